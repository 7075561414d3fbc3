/** Frames built by hand (src/net/frames.ts) as a `ws` client reads them: every length encoding, shared memory, a close. */

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { closeFrame, textFrame } from '../src/net/frames.ts';

describe('frames', () => {
  let server: Server;
  let port = 0;
  /** What the server writes to each new connection's socket, as raw bytes. */
  let write: (socket: Socket) => void = () => {};
  before(async () => {
    server = createServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => write((ws as unknown as { _socket: Socket })._socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const receive = (frames: Uint8Array[]): Promise<{ messages: string[]; code: number }> => {
    write = (socket) => {
      for (const frame of frames) socket.write(frame);
    };
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { maxPayload: 1 << 20 });
      const messages: string[] = [];
      ws.on('message', (data, isBinary) => {
        assert.equal(isBinary, false);
        messages.push(data.toString());
        if (messages.length === frames.length) ws.close();
      });
      ws.on('close', (code) => resolve({ messages, code }));
    });
  };

  it('text frames of every length encoding, in a Buffer or in shared memory', async () => {
    for (const shared of [false, true]) {
      const payloads = [0, 1, 125, 126, 65535, 65536, 200_000].map((n) => Buffer.from('x'.repeat(n)));
      const { messages } = await receive(payloads.map((p) => textFrame(p, shared)));
      assert.deepEqual(messages.map((m) => m.length), payloads.map((p) => p.length));
    }
    assert.ok(textFrame(Buffer.from('a'), true).buffer instanceof SharedArrayBuffer);
  });

  it('a close frame with its code and reason', async () => {
    write = (socket) => socket.write(closeFrame(4008, 'rejoined elsewhere'));
    const result = await new Promise<{ code: number; reason: string }>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    assert.deepEqual(result, { code: 4008, reason: 'rejoined elsewhere' });
  });
});

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Conn } from '../../src/api.ts';
import { ConnectionRegistry, WRITE_LIMIT, WRITE_WINDOW } from '../../src/io/registry.ts';
import { WriteWindows } from '../../src/io/write-windows.ts';
import { applyIo, forwardDrained, forwardWrite } from '../../src/threads/io-forward.ts';
import { getIoTransport, io, registry, setIoTransport, type IoTransport } from '../../src/io/index.ts';

/** A connected pair over 127.0.0.1: the server side socket and the client. */
async function socketPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const listener = createServer();
  listener.listen({ host: '127.0.0.1', port: 0 });
  await once(listener, 'listening');
  const port = (listener.address() as { port: number }).port;
  const accepted = once(listener, 'connection');
  const client = connect(port, '127.0.0.1');
  // Both listeners first: either side's event may come first.
  const connected = once(client, 'connect').catch(() => {});
  const [server] = (await accepted) as [Socket];
  await connected;
  return { server, client, close: () => listener.close() };
}

describe('io', () => {
  it('writes through the registry and forgets a socket once it closes', async () => {
    const reg = new ConnectionRegistry();
    const { server, client, close } = await socketPair();
    try {
      const conn = reg.register(server);
      assert.deepEqual(Object.keys(conn).sort(), ['id', 'remoteAddress', 'remotePort', 'row']);
      assert.equal(conn.remoteAddress, '127.0.0.1');
      assert.deepEqual(structuredClone(conn), conn, 'a Conn is cloneable');
      client.setEncoding('utf8');
      let received = '';
      client.on('data', (d: string) => (received += d));
      reg.cork(conn);
      reg.write(conn, 'hello ');
      reg.write(conn, new TextEncoder().encode('world'));
      reg.uncork(conn);
      reg.end(conn, '!');
      await once(client, 'end');
      assert.equal(received, 'hello world!');
      client.end();
      await once(server, 'close');
      assert.equal(reg.socket(conn), undefined);
      assert.equal(reg.size, 0);
      // The client went away: no throw, nothing happens.
      reg.write(conn, 'late');
      reg.end(conn);
      reg.destroy(conn);
    } finally {
      close();
    }
  });

  it('drops writes to unknown connections and survives a reset by the peer', async () => {
    const reg = new ConnectionRegistry();
    const ghost: Conn = { id: 999, remoteAddress: '127.0.0.1', remotePort: 1 };
    reg.write(ghost, 'x');
    reg.end(ghost, 'x');
    reg.destroy(ghost);
    const { server, client, close } = await socketPair();
    try {
      const conn = reg.register(server);
      const closed = new Promise((resolve) => server.once('close', resolve)); // not events.once: it rejects on 'error'
      client.resetAndDestroy();
      await closed;
      reg.write(conn, 'after reset');
    } finally {
      close();
    }
  });

  it('is a facade over a swappable transport; register and socket work only where sockets live', () => {
    const seen: string[] = [];
    const remote: IoTransport = {
      local: false,
      write: (c, d) => seen.push(`write ${c.id} ${String(d)}`) > 0,
      drained: async () => true,
      connected: () => true,
      end: (c) => void seen.push(`end ${c.id}`),
      destroy: (c) => void seen.push(`destroy ${c.id}`),
      cork: () => {},
      uncork: () => {},
    };
    const previous = setIoTransport(remote);
    try {
      assert.equal(previous, registry);
      assert.equal(getIoTransport(), remote);
      const conn: Conn = { id: 7, remoteAddress: '', remotePort: 0 };
      io.write(conn, 'hi');
      io.end(conn);
      io.destroy(conn);
      assert.deepEqual(seen, ['write 7 hi', 'end 7', 'destroy 7']);
      assert.throws(() => io.socket(conn), { code: 'FLUX_ERR_IO_NOT_MAIN' });
      assert.throws(() => io.register({} as Socket), { code: 'FLUX_ERR_IO_NOT_MAIN' });
    } finally {
      setIoTransport(previous);
    }
  });
});

describe('io backpressure', () => {
  const chunk = Buffer.alloc(16 * 1024, 1);

  it('write returns false at the window; drained resolves once the reader catches up', async () => {
    const reg = new ConnectionRegistry();
    const { server, client, close } = await socketPair();
    try {
      client.pause();
      const conn = reg.register(server);
      let writes = 0;
      while (reg.write(conn, chunk)) writes++;
      assert.ok(server.writableLength >= WRITE_WINDOW, 'false only once the window is full');
      assert.ok(writes < 1000, 'the kernel buffers are finite');
      const drained = reg.drained(conn);
      client.resume();
      assert.equal(await drained, true);
      assert.ok(server.writableLength < WRITE_WINDOW);
    } finally {
      client.destroy();
      close();
    }
  });

  it('past the write limit a connection drops writes or closes, by its policy; memory stays bounded', async () => {
    for (const overflow of ['drop', 'close'] as const) {
      const reg = new ConnectionRegistry();
      const { server, client, close } = await socketPair();
      try {
        client.pause();
        const conn = reg.register(server, { overflow });
        for (let i = 0; i < 2 * WRITE_LIMIT / chunk.length; i++) reg.write(conn, chunk);
        assert.ok(reg.overflows > 0, `${overflow}: the limit was reached`);
        if (overflow === 'drop') {
          assert.equal(server.destroyed, false);
          assert.ok(server.writableLength <= WRITE_LIMIT + chunk.length, 'never more than the limit plus one write');
        } else {
          assert.equal(server.destroyed, true);
          assert.equal(await reg.drained(conn), false, 'a closed connection is never drained');
        }
      } finally {
        client.destroy();
        close();
      }
    }
  });

  it('writes from another thread count in the shared table until the socket flushes them', async () => {
    const windows = WriteWindows.create(64);
    const reg = new ConnectionRegistry();
    reg.setWriteWindows(windows);
    const { server, client, close } = await socketPair();
    try {
      client.pause();
      const conn = structuredClone(reg.register(server)); // as a worker sees it
      assert.ok((conn.row ?? -1) >= 0);
      // Posting applies the write on the owner later, as the runtimes' message batches do.
      const posted: [number, number, string | Uint8Array | undefined][] = [];
      const post = (op: number, id: number, data: string | Uint8Array | undefined) => void posted.push([op, id, data]);
      let room = true;
      let writes = 0;
      while (room && writes < 1000) {
        room = forwardWrite(windows, conn, chunk, false, post);
        writes++;
      }
      assert.equal(room, false);
      assert.equal(windows.pending(conn.row!), writes * chunk.length, 'counted before anything reached the socket');
      for (const [op, id, data] of posted.splice(0)) applyIo(reg, op as never, id, data);
      const drained = forwardDrained(windows, conn);
      client.resume();
      assert.equal(await drained, true);
      assert.ok(windows.pending(conn.row!) < WRITE_WINDOW);
      client.destroy();
      await once(server, 'close');
      assert.equal(forwardWrite(windows, conn, chunk, false, post), false, 'the connection is gone: nothing posted');
      assert.equal(posted.length, 0);
      assert.equal(await forwardDrained(windows, conn), false);
    } finally {
      client.destroy();
      close();
    }
  });
});

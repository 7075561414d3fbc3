import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Conn } from '../../src/api.ts';
import { ConnectionRegistry } from '../../src/io/registry.ts';
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
      assert.deepEqual(Object.keys(conn).sort(), ['id', 'remoteAddress', 'remotePort']);
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
      write: (c, d) => void seen.push(`write ${c.id} ${String(d)}`),
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

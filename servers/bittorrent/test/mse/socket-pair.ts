import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';

/** Two connected TCP sockets over 127.0.0.1 (client side first). */
export async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect(address.port, '127.0.0.1');
  await once(client, 'connect');
  const [serverSide] = await accepted;
  server.close();
  return [client, serverSide];
}

/** The first `n` bytes a socket delivers to a 'data' listener. */
export function readBytes(socket: Socket, n: number, already: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = already;
    if (got.length >= n) {
      resolve(got);
      return;
    }
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= n) {
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.pause();
        resolve(got);
      }
    };
    const onClose = (): void => reject(new Error(`closed after ${got.length} of ${n} bytes`));
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.resume();
  });
}

// Load for the socket benchmark, in its own process: `connections` sockets, each sending one line and waiting
// for its `bodyBytes`-byte answer before the next. Prints the answers received in `ms` milliseconds (after a
// 0.5 s warm-up), then all answers received.
import { connect } from 'node:net';

const [port, connections, bodyBytes, ms] = process.argv.slice(2).map(Number) as [number, number, number, number];
let answers = 0;
let total = 0;
let counting = false;
const sockets = Array.from({ length: connections }, () => {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  let pending = 0;
  socket.on('data', (chunk: Buffer) => {
    pending -= chunk.length;
    while (pending <= 0) {
      total++;
      if (counting) answers++;
      pending += bodyBytes;
      socket.write('GET\n');
    }
  });
  socket.once('connect', () => {
    pending = bodyBytes;
    socket.write('GET\n');
  });
  return socket;
});
// A short warm-up, then count.
setTimeout(() => {
  counting = true;
  setTimeout(() => {
    counting = false;
    process.stdout.write(`${answers} ${total}\n`);
    for (const s of sockets) s.destroy();
    process.exit(0);
  }, ms);
}, 500);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTarget } from '../src/process/target-process.ts';
import { RawConnection } from './fixtures/raw-http.ts';

const CEILING = fileURLToPath(new URL('../targets/image-scaler/ceiling.ts', import.meta.url));

test('the image-scaler ceiling answers pipelined requests with its prebuilt response and closes on Connection: close', async () => {
  const ceiling = await startTarget({ label: 'ceiling', command: process.execPath, args: [CEILING, '--port', '0', '--body-bytes', '1000'], readiness: { kind: 'announce' } });
  const connection = await RawConnection.open(ceiling.url);
  try {
    connection.send('GET /images/a.jpg?w=160 HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    const responses = await connection.read(2);
    assert.deepEqual(responses.map((r) => [r.status, r.headers['content-type'], r.body.length]), [[200, 'image/jpeg', 1000], [200, 'image/jpeg', 1000]]);
    assert.equal(await connection.closedByServer(200), false);
    connection.send('GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal((await connection.read(1))[0].status, 200);
    assert.equal(await connection.closedByServer(), true);
  } finally {
    connection.destroy();
    await ceiling.stop();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createWrkClient, findWrk } from '../src/load/wrk-client.ts';
import { startTarget } from '../src/process/target-process.ts';

const FAKE_TARGET = fileURLToPath(new URL('./fixtures/fake-target.ts', import.meta.url));
const wrk = findWrk();
const NOT_INSTALLED = 'wrk is not installed: apt-get install wrk (or set WRK=/path/to/wrk) to run the wrk client tests';

/** A server in this process that notes the path of every request each connection makes, and answers 404 for /missing. */
async function recordingServer(): Promise<{ url: string; byConnection: Map<number, string[]>; server: Server }> {
  const byConnection = new Map<number, string[]>();
  const server = createServer((req, res) => {
    const port = req.socket.remotePort ?? 0;
    if (!byConnection.has(port)) byConnection.set(port, []);
    byConnection.get(port)!.push(req.url ?? '');
    if (req.url === '/missing') res.writeHead(404);
    else if (req.url === '/moved') res.writeHead(301, { Location: '/a' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, byConnection, server };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

test('wrk drives the fake target and reports a measurement parsed from its done() line', async (t) => {
  if (!wrk) return t.skip(NOT_INSTALLED);
  const target = await startTarget({ label: 'fake', command: process.execPath, args: [FAKE_TARGET, 'announce'], readiness: { kind: 'announce' } });
  const client = createWrkClient({ paths: ['/a', '/b'], binary: wrk });
  try {
    await client.open();
    assert.match(client.name, /^wrk \S+ \(1 thread\)$/);
    const m = await client.run({ url: target.url, connections: 2, durationSeconds: 1, warmup: false });
    assert.ok(m.requests > 0);
    assert.ok(m.durationSeconds > 0);
    assert.ok(m.bytesPerSecond > 0);
    assert.equal(m.non2xx, 0);
    assert.equal(m.errors, 0);
    assert.ok(m.latencyMs.max >= m.latencyMs.p50);
  } finally {
    await client.close();
    await target.stop();
  }
});

test('wrk sends the sequence in order from its beginning; with two threads the second starts half-way', async (t) => {
  if (!wrk) return t.skip(NOT_INSTALLED);
  const { url, byConnection, server } = await recordingServer();
  const paths = ['/p0', '/p1', '/p2', '/p3', '/p4', '/p5'];
  const one = createWrkClient({ paths, binary: wrk });
  const two = createWrkClient({ paths, binary: wrk, threads: 2 });
  try {
    await one.run({ url, connections: 1, durationSeconds: 1, warmup: false });
    const [sent] = [...byConnection.values()];
    assert.deepEqual(sent.slice(0, 8), ['/p0', '/p1', '/p2', '/p3', '/p4', '/p5', '/p0', '/p1']);

    byConnection.clear();
    await two.run({ url, connections: 2, durationSeconds: 1, warmup: false });
    const firsts = [...byConnection.values()].map((s) => s[0]).sort();
    assert.deepEqual(firsts, ['/p0', '/p3']);
    for (const s of byConnection.values()) {
      const start = paths.indexOf(s[0]);
      assert.deepEqual(s.slice(0, 6), paths.map((_, i) => paths[(start + i) % paths.length]), 'each connection cycles in order');
    }
  } finally {
    await Promise.all([one.close(), two.close()]);
    await stop(server);
  }
});

test('wrk counts 4xx as non-2xx but not 3xx (its status errors are statuses above 399)', async (t) => {
  if (!wrk) return t.skip(NOT_INSTALLED);
  const { url, server } = await recordingServer();
  const client = createWrkClient({ paths: ['/a', '/missing', '/moved'], binary: wrk });
  try {
    const m = await client.run({ url, connections: 1, durationSeconds: 1, warmup: false });
    // One request in three is a 404; a run may stop anywhere in a cycle.
    assert.ok(Math.abs(m.non2xx - m.requests / 3) <= 2, `${m.non2xx} of ${m.requests}`);
  } finally {
    await client.close();
    await stop(server);
  }
});

test('the wrk client refuses any target but 127.0.0.1, and paths that cannot go on a request line', async () => {
  const client = createWrkClient({ paths: ['/a'], binary: wrk ?? '/usr/bin/wrk' });
  await assert.rejects(client.run({ url: 'http://10.0.0.1:80', connections: 1, durationSeconds: 1, warmup: false }), /only 127\.0\.0\.1/);
  await assert.rejects(client.run({ url: 'http://localhost:80', connections: 1, durationSeconds: 1, warmup: false }), /only 127\.0\.0\.1/);
  assert.throws(() => createWrkClient({ paths: ['/a b'], binary: '/usr/bin/wrk' }), RangeError);
  assert.throws(() => createWrkClient({ paths: ['relative'], binary: '/usr/bin/wrk' }), RangeError);
});

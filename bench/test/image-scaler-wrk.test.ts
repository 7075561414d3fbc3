import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { chooseLoadClient, WRK } from '../src/load/load-choice.ts';
import { findWrk } from '../src/load/wrk-client.ts';
import { imageScalerProfile } from '../profiles/image-scaler.ts';
import { hotPaths, hotSequence, RequestMix, type MixSpec } from '../targets/image-scaler/request-mix.ts';
import { createAllHitWrkClient } from '../targets/image-scaler/wrk-all-hit.ts';

const wrk = findWrk();
const NOT_INSTALLED = 'wrk is not installed: apt-get install wrk (or set WRK=/path/to/wrk) to run the image-scaler wrk tests';
const spec: MixSpec = { images: ['a.jpg', 'b.png'], widths: [160, 320], formats: ['jpeg', 'webp'], hitRatio: 1, zipfExponent: 1, seed: 3 };

test('the image scaler takes wrk in all-hit mode only (its default there), and says why elsewhere', () => {
  const allHit = imageScalerProfile.loadClientsFor!({ mode: 'all-hit' });
  assert.deepEqual(allHit.clients, [WRK, 'raw-http1']);
  assert.equal(chooseLoadClient({ supported: allHit.clients, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 }).kind, WRK);
  assert.equal(chooseLoadClient({ supported: allHit.clients, wrkBinary: undefined, wrkThreads: 1 }).kind, 'raw-http1');
  for (const mode of [undefined, 'mix', 'all-miss']) {
    const support = imageScalerProfile.loadClientsFor!({ mode });
    assert.deepEqual(support.clients, ['raw-http1'], String(mode));
    assert.equal(chooseLoadClient({ supported: support.clients, why: support.why, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 }).kind, 'raw-http1');
    assert.throws(
      () => chooseLoadClient({ requested: WRK, supported: support.clients, why: support.why, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 }),
      /--load: wrk cannot drive this run: wrk drives the image scaler only with --mode all-hit .* \(with these options it supports raw-http1\)/,
    );
  }
});

test('the all-hit sequence is the one the image load process starts every all-hit run with', () => {
  const mix = new RequestMix(spec);
  mix.restart();
  const sequence = hotSequence({ ...spec, hitRatio: 0.5 }, 500);
  assert.deepEqual(sequence, Array.from({ length: 500 }, () => mix.next()));
  assert.ok(sequence.every((path) => hotPaths(spec).includes(path)));
  assert.throws(() => createAllHitWrkClient({ mix: { ...spec, hitRatio: 0.9 }, binary: '/usr/bin/wrk' }), /all-hit mode only/);
});

/** A server in this process that notes every request (path and headers) in order. */
async function recordingServer(): Promise<{ url: string; requests: { path: string; headers: IncomingHttpHeaders }[]; server: Server }> {
  const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    res.end('image');
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, requests, server };
}

test('wrk in all-hit mode: the first run against a target asks every hot key once, then replays the seeded sequence', async (t) => {
  if (!wrk) return t.skip(NOT_INSTALLED);
  const { url, requests, server } = await recordingServer();
  const client = createAllHitWrkClient({ mix: spec, binary: wrk, sequenceLength: 1000 });
  try {
    await client.open();
    assert.match(client.name, /^wrk \S+ \(1 thread\)$/);
    const first = await client.run({ url, connections: 1, durationSeconds: 1, warmup: true });
    const hot = hotPaths(spec);
    const prefill = requests.slice(0, hot.length);
    assert.deepEqual(prefill.map((r) => r.path).sort(), [...hot].sort(), 'every hot key once, before the load');
    assert.ok(prefill.every((r) => r.headers.connection === 'close'));
    const load = requests.slice(hot.length).map((r) => r.path);
    assert.ok(load.length >= first.requests && first.requests > 0);
    assert.deepEqual(load.slice(0, 50), hotSequence(spec, 50), 'the seeded sequence, from its beginning');
    assert.equal(first.non2xx, 0);

    requests.length = 0;
    await client.run({ url, connections: 1, durationSeconds: 1, warmup: false });
    assert.deepEqual(requests.slice(0, 50).map((r) => r.path), hotSequence(spec, 50), 'no second prefill');
  } finally {
    await client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

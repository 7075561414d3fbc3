import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { LoadClient, LoadRunRequest, RunMeasurement } from '../src/load/types.ts';
import { RequestMix, type MixSpec } from '../targets/image-scaler/request-mix.ts';
import { runSharpLoop, type ScaleFunction } from '../targets/image-scaler/sharp-alone.ts';
import { createSharpAloneServer } from '../targets/image-scaler/sharp-alone-server.ts';
import { withSharpAlone } from '../targets/image-scaler/sharp-alone-client.ts';

const spec: MixSpec = { images: ['a.jpg', 'b.png'], widths: [160], formats: ['jpeg', 'webp'], hitRatio: 0, zipfExponent: 1, seed: 7 };

/** A stand-in for sharp: records the paths it was given and the most operations it had in flight. */
function fakeScale() {
  const paths: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const scale: ScaleFunction = async (path) => {
    paths.push(path);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight--;
    return 100;
  };
  return { scale, paths, maxInFlight: () => maxInFlight };
}

test('runSharpLoop keeps `concurrency` scales in flight and takes the paths in sequence order', async () => {
  const fake = fakeScale();
  const mix = new RequestMix(spec);
  const run = await runSharpLoop({ nextPath: () => mix.next(), scale: fake.scale, concurrency: 4, seconds: 0.05 });
  assert.equal(fake.maxInFlight(), 4);
  assert.equal(run.requests, fake.paths.length);
  assert.equal(run.errors, 0);
  assert.ok(run.requests > 0);
  const expected = new RequestMix(spec);
  assert.deepEqual(fake.paths, fake.paths.map(() => expected.next()));
  assert.equal(run.bytesPerSecond, (run.requests * 100) / run.durationSeconds);
});

test('runSharpLoop counts a failed scale as an error and rejects a concurrency below 1', async () => {
  const run = await runSharpLoop({ nextPath: () => '/images/a.jpg?w=1', scale: async () => { throw new Error('bad'); }, concurrency: 1, seconds: 0.01 });
  assert.equal(run.errors, run.requests);
  await assert.rejects(runSharpLoop({ nextPath: () => '', scale: async () => 0, concurrency: 0, seconds: 0.01 }), RangeError);
});

test('the sharp-alone target continues the miss keys across runs, and the client routes only its URL to it', async (t) => {
  const fake = fakeScale();
  // A mix spec with hot keys: the target takes its misses only.
  const server = createSharpAloneServer({ scale: fake.scale, mix: { ...spec, hitRatio: 0.9 } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const innerRuns: LoadRunRequest[] = [];
  const empty: RunMeasurement = { requests: 0, durationSeconds: 1, requestsPerSecond: 0, bytesPerSecond: 0, latencyMs: { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 }, non2xx: 0, errors: 0, timeouts: 0 };
  const inner: LoadClient = { name: 'inner 1', open: async () => {}, close: async () => {}, run: async (request) => (innerRuns.push(request), empty) };
  const client = withSharpAlone(inner, { sharpAloneUrl: () => url });
  assert.equal(client.name, 'inner 1');

  const first = await client.run({ url, connections: 3, durationSeconds: 0.05, warmup: true });
  const second = await client.run({ url, connections: 3, durationSeconds: 0.05, warmup: false });
  assert.equal(first.requests + second.requests, fake.paths.length);
  assert.equal(fake.maxInFlight(), 3);
  const misses = new RequestMix({ ...spec, hitRatio: 0 });
  assert.deepEqual(fake.paths, fake.paths.map(() => misses.next()));
  assert.equal(new Set(fake.paths).size, fake.paths.length);

  await client.run({ url: 'http://127.0.0.1:1', connections: 2, durationSeconds: 1, warmup: false });
  assert.deepEqual(innerRuns.map((r) => r.url), ['http://127.0.0.1:1']);

  const refused = await fetch(`${url}/run?concurrency=0&seconds=1`);
  assert.equal(refused.status, 400);
  assert.equal((await fetch(`${url}/images/a.jpg`)).status, 404);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findWrkSummary, wrkMeasurement } from '../src/load/wrk-result.ts';
import { luaString, WRK_RESULT_MARKER, wrkScript } from '../src/load/wrk-script.ts';
import { wrkThreadsFor } from '../src/load/wrk-client.ts';

test('the wrk script reads the paths file, prebuilds the requests, cycles through them, and reports in done()', () => {
  const script = wrkScript({ pathsFile: '/tmp/flux-bench-wrk-x/paths.txt', threads: 2 });
  assert.match(script, /^local PATHS_FILE = "\/tmp\/flux-bench-wrk-x\/paths\.txt"$/m);
  assert.match(script, /^local THREADS = 2$/m);
  for (const hook of ['setup(thread)', 'init(args)', 'request()', 'done(summary, latency, rates)']) {
    assert.ok(script.includes(`function ${hook}`), hook);
  }
  // Requests are built once, in init, not per request.
  const init = script.slice(script.indexOf('function init'), script.indexOf('function request'));
  const request = script.slice(script.indexOf('function request'), script.indexOf('function done'));
  assert.match(init, /wrk\.format\("GET", path\)/);
  assert.doesNotMatch(request, /wrk\.format/);
  // A response hook would make wrk hand every header and body to Lua.
  assert.doesNotMatch(script, /function response/);
  assert.ok(script.includes(luaString(WRK_RESULT_MARKER)));
});

test('the wrk script refuses a thread count wrk could not run', () => {
  assert.throws(() => wrkScript({ pathsFile: '/p', threads: 0 }), RangeError);
  assert.throws(() => wrkScript({ pathsFile: '/p', threads: 1.5 }), RangeError);
});

test('Lua string literals escape quotes, backslashes and anything outside printable ASCII', () => {
  assert.equal(luaString('/tmp/a b'), '"/tmp/a b"');
  assert.equal(luaString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(luaString('x\ny'), '"x\\010y"');
  assert.equal(luaString('é'), '"\\195\\169"');
});

test('the done() line becomes a measurement; a missing or broken line is no measurement', () => {
  const line = `${WRK_RESULT_MARKER}{"requests":30000,"duration_us":3000000,"bytes":330000000,` +
    '"errors":{"connect":1,"read":2,"write":3,"status":4,"timeout":5},' +
    '"latency_us":{"mean":1234.5,"max":90000,"p50":1000,"p90":2000,"p99":9000}}';
  const summary = findWrkSummary(`Running 3s test @ http://127.0.0.1:1\n  1 threads and 10 connections\n${line}\n`);
  assert.ok(summary);
  const m = wrkMeasurement(summary);
  assert.equal(m.requests, 30000);
  assert.equal(m.durationSeconds, 3);
  assert.equal(m.requestsPerSecond, 10000);
  assert.equal(m.bytesPerSecond, 110_000_000);
  assert.deepEqual(m.latencyMs, { mean: 1.2345, p50: 1, p90: 2, p99: 9, max: 90 });
  assert.equal(m.non2xx, 4);
  assert.equal(m.errors, 1 + 2 + 3 + 5, 'connection errors and timeouts; status errors apart');
  assert.equal(m.timeouts, 5);

  assert.equal(findWrkSummary('Running 3s test\nRequests/sec: 1000\n'), undefined);
  assert.equal(findWrkSummary(`${WRK_RESULT_MARKER}{"requests":1`), undefined);
  assert.equal(findWrkSummary(`${WRK_RESULT_MARKER}{"requests":"many"}`), undefined);
});

test('wrk threads divide the connections exactly and never outnumber them', () => {
  assert.equal(wrkThreadsFor(1, 100), 1);
  assert.equal(wrkThreadsFor(2, 100), 2);
  assert.equal(wrkThreadsFor(2, 1), 1);
  assert.equal(wrkThreadsFor(4, 10), 2);
  assert.equal(wrkThreadsFor(3, 7), 1);
  assert.equal(wrkThreadsFor(8, 1000), 8);
});

test("done() reports wrk's CPU time, which becomes the run's load client CPU; a line without it still parses", () => {
  const base = `${WRK_RESULT_MARKER}{"requests":3000,"duration_us":2000000,"bytes":330000,` +
    '"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},"latency_us":{"mean":1,"max":9,"p50":1,"p90":2,"p99":3}';
  assert.ok(wrkScript({ pathsFile: '/tmp/p', threads: 1 }).includes('os.clock()'));
  assert.equal(wrkMeasurement(findWrkSummary(`${base},"cpu_s":0.250}`)!).loadClientCpuSeconds, 0.25);
  assert.equal(wrkMeasurement(findWrkSummary(`${base}}`)!).loadClientCpuSeconds, undefined);
  assert.equal(findWrkSummary(`${base},"cpu_s":"lots"}`), undefined);
});

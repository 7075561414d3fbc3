import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRecord, findRecord, loadRecordFile, readHistory } from '../src/results/history.ts';
import { assertRecord, buildResults, CEILING_MARGIN } from '../src/results/record.ts';
import { newRecordId } from '../src/results/environment.ts';
import { measurement, syntheticRecord } from './fixtures/records.ts';

test('medians, the ratio to node:http and the ceiling flag', () => {
  const results = buildResults(
    [
      { target: 'flux/threadpool', role: 'flux', runtime: 'threadpool', label: 'flux (threadpool)', connections: 10, runs: [measurement(900), measurement(1000), measurement(1300)] },
      { target: 'node-http', role: 'baseline', label: 'node:http', connections: 10, runs: [measurement(500), measurement(400), measurement(600)] },
      { target: 'nginx', role: 'baseline', label: 'nginx', connections: 10, runs: [measurement(1500), measurement(1450), measurement(1600)] },
      { target: 'ceiling', role: 'ceiling', label: 'ceiling', connections: 10, runs: [measurement(1600), measurement(1600), measurement(1600)] },
      { target: 'node-http', role: 'baseline', label: 'node:http', connections: 100, runs: [] },
    ],
    'node-http',
  );
  assert.equal(results.length, 4, 'entries without runs are dropped');
  const flux = results.find((r) => r.target === 'flux/threadpool')!;
  assert.equal(flux.median.requestsPerSecond, 1000);
  assert.equal(flux.median.minRequestsPerSecond, 900);
  assert.equal(flux.median.maxRequestsPerSecond, 1300);
  assert.equal(flux.ratioToBaseline, 2);
  assert.equal(flux.cappedByLoadGenerator, false);
  const nginx = results.find((r) => r.target === 'nginx')!;
  assert.ok(nginx.median.requestsPerSecond >= CEILING_MARGIN * 1600);
  assert.equal(nginx.cappedByLoadGenerator, true);
  const ceiling = results.find((r) => r.target === 'ceiling')!;
  assert.equal(ceiling.cappedByLoadGenerator, undefined);
});

test('errors are summed over runs', () => {
  const [entry] = buildResults(
    [{ target: 'node-http', role: 'baseline', label: 'node:http', connections: 1, runs: [measurement(10, { non2xx: 2, errors: 3, timeouts: 1 }), measurement(10, { non2xx: 1 })] }],
    'node-http',
  );
  assert.deepEqual([entry.median.non2xx, entry.median.errors, entry.median.timeouts], [3, 3, 1]);
});

test('a record has the documented shape and survives the history round trip', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-history-'));
  try {
    const history = join(dir, 'history.jsonl');
    const first = syntheticRecord('20260101T000000Z-0123456-aaaa', [
      { target: 'node-http', role: 'baseline', label: 'node:http', runs: { 10: [100, 110, 105] } },
    ]);
    const second = syntheticRecord('20260102T000000Z-0123456-bbbb', [
      { target: 'node-http', role: 'baseline', label: 'node:http', runs: { 10: [120, 125, 130] } },
    ]);
    assertRecord(first, 'first');
    await appendRecord(history, first);
    await appendRecord(history, second);
    const text = await readFile(history, 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 2, 'one record a line');

    const { records, rejected } = await readHistory(history);
    assert.deepEqual(rejected, []);
    assert.deepEqual(records, [first, second]);
    const record = records[0];
    for (const key of ['schema', 'id', 'profile', 'date', 'git', 'environment', 'settings', 'targets', 'results', 'notes']) {
      assert.ok(key in record, key);
    }
    assert.deepEqual(Object.keys(record.git).sort(), ['commit', 'dirty']);
    for (const key of ['node', 'cpuModel', 'cores']) assert.ok(key in record.environment, key);
    for (const key of ['runtimes', 'connections', 'durationSeconds', 'warmupSeconds', 'runs', 'seed', 'loadClient', 'workload']) {
      assert.ok(key in record.settings, key);
    }
    assert.equal(record.results[0].runs.length, 3, 'every run is kept, not only the median');

    assert.equal(findRecord(records, '20260102').id, second.id);
    assert.throws(() => findRecord(records, '2026'), /matches 2 records/);
    assert.throws(() => findRecord(records, 'nope'), /no record/);
    assert.equal((await loadRecordFile(history)).id, second.id, 'a history file gives its last record');

    const single = join(dir, 'results.json');
    await writeFile(single, JSON.stringify(first, null, 2));
    assert.equal((await loadRecordFile(single)).id, first.id, 'a pretty-printed results.json is one record');

    await writeFile(history, text + '{"not":"a record"}\nnot json\n');
    const damaged = await readHistory(history);
    assert.equal(damaged.records.length, 2);
    assert.equal(damaged.rejected.length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('record ids sort by time and carry the short commit', () => {
  const id = newRecordId(new Date('2026-03-04T05:06:07.890Z'), 'abcdef0123456789');
  assert.match(id, /^20260304T050607Z-abcdef0-[0-9a-f]{4}$/);
  assert.match(newRecordId(new Date(0), null), /-nogit-/);
});

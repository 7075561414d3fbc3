import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { chartSpec, renderChartSvg } from '../src/report/chart.ts';
import { renderTable } from '../src/report/table.ts';
import { summarizeRuns } from '../src/results/record.ts';
import { syntheticRecord } from './fixtures/records.ts';

const record = syntheticRecord('20260101T000000Z-0123456-aaaa', [
  { target: 'flux/threadpool', role: 'flux', runtime: 'threadpool', label: 'flux (threadpool)', runs: { 1: [900, 1000, 1100], 10: [5000, 5100, 5200], 100: [8000, 8200, 8100] } },
  { target: 'node-http', role: 'baseline', label: 'node:http', runs: { 1: [800, 850, 900], 10: [4000, 4100, 4200], 100: [6000, 6100, 6200] } },
  { target: 'ceiling', role: 'ceiling', label: 'ceiling (load generator)', runs: { 1: [2000, 2000, 2000], 10: [9000, 9000, 9000], 100: [8500, 8600, 8700] } },
]);

test('the table shows every target at every connection count with the documented columns', () => {
  const table = renderTable(record);
  for (const column of ['conns', 'target', 'req/s', 'runs ±', 'MB/s', 'p50 ms', 'p99 ms', 'errors', 'vs node:http', 'note']) {
    assert.ok(table.includes(column), column);
  }
  assert.match(table, /flux \(threadpool\)\s*│\s*5,100/);
  assert.match(table, /1\.24x/, 'ratio of medians 5100 / 4100');
  assert.match(table, /capped by the load generator/, 'flux at 100 connections is within 10% of the ceiling');
  assert.match(table, /load generator ceiling/);
  assert.equal(table.match(/capped by the load generator/g)?.length, 1);
});

test("the load client's CPU share is a column when the runs report it, and only then", () => {
  assert.doesNotMatch(renderTable(record), /client CPU/);
  const entry = record.results[0]!;
  const runs = entry.runs.map((run, i) => ({ ...run, loadClientCpuSeconds: [0.5, 0.6, 0.7][i % 3]! * run.durationSeconds }));
  const withCpu = { ...record, results: [{ ...entry, runs, median: summarizeRuns(runs) }, ...record.results.slice(1)] };
  const table = renderTable(withCpu);
  assert.match(table, /client CPU/);
  assert.match(table, /60\.0%/, 'the median share of one core');
});

test('the table reports skipped and failed targets', () => {
  const withProblems = {
    ...record,
    targets: [...record.targets, { id: 'nginx', role: 'baseline' as const, label: 'nginx', skipped: 'nginx is not installed' }, { id: 'flux/thread', role: 'flux' as const, label: 'flux (thread)', error: 'exited during the benchmark' }],
  };
  const table = renderTable(withProblems);
  assert.match(table, /skipped nginx: nginx is not installed/);
  assert.match(table, /FAILED flux \(thread\): exited during the benchmark/);
});

test('the chart is well-formed SVG with a line per target on a log connections axis', async () => {
  const spec = chartSpec(record) as unknown as { hconcat: Array<{ layer: Array<{ encoding: { x: { scale: { type?: string } } } }> }> };
  assert.equal(spec.hconcat[0].layer[0].encoding.x.scale.type, 'log');
  const svg = await renderChartSvg(record);
  assert.equal(XMLValidator.validate(svg), true);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  for (const label of ['flux (threadpool)', 'node:http', 'ceiling (load generator)', 'requests / s', 'connections']) {
    assert.ok(svg.includes(label), label);
  }
});

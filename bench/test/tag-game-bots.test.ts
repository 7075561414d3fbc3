import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { readStateHeader } from '../targets/tag-game/bots/state-frame.ts';
import { BIN_MS, DelayHistogram } from '../targets/tag-game/bots/delay-histogram.ts';
import { splitBots } from '../targets/tag-game/bots/bot-fleet.ts';
import { parseStat, processGroupCpuMs, processGroupRunQueueWaitMs } from '../targets/tag-game/process-cpu.ts';
import { held, parseArena, parseModes } from '../profiles/tag-game.ts';

test('a state frame gives its tick and time without a parse; other frames give nothing', () => {
  const frame = (text: string) => Buffer.from(text);
  assert.deepEqual(readStateHeader(frame('{"type":"state","tick":7,"time":1764430000123,"it":"1","players":[{"id":"1","name":"a","x":1,"y":2,"score":0}]}')), { tick: 7, time: 1764430000123 });
  // Any field order, spaces after the colon, decimals.
  assert.deepEqual(readStateHeader(frame('{"players":[],"time": 12.5,"it":null,"tick":3,"type":"state"}')), { tick: 3, time: 12.5 });
  // A name cannot fake the keys: inside a JSON string the quotes are escaped.
  assert.deepEqual(readStateHeader(frame('{"type":"state","tick":9,"time":100,"players":[{"name":"\\"tick\\":1"}]}')), { tick: 9, time: 100 });
  assert.equal(readStateHeader(frame('{"type":"welcome","id":"1","token":"t","arena":{"w":1,"h":1},"tickHz":20}')), undefined);
  assert.equal(readStateHeader(frame('{"type":"state","tick":"x","time":1}')), undefined);
  assert.equal(readStateHeader(frame('{"type":"state","tick":1}')), undefined);
  assert.equal(readStateHeader(frame('')), undefined);
});

test('delay histograms add up across processes before their percentiles are taken', () => {
  const a = new DelayHistogram();
  const b = new DelayHistogram();
  for (let i = 1; i <= 98; i++) a.record(1); // 98 frames at 1 ms
  b.record(40);
  b.record(5000);
  const merged = new DelayHistogram();
  merged.add(a.sparse());
  merged.add(b.sparse());
  assert.equal(merged.total, 100);
  assert.equal(merged.quantile(0.5), 1 + BIN_MS);
  assert.equal(merged.quantile(0.99), 40 + BIN_MS);
  assert.equal(merged.quantile(1), 5000 + BIN_MS);
  // Negative delays (a clock read before the server's) count as 0; past 10 s, in the overflow bin.
  const edges = new DelayHistogram();
  edges.record(-3);
  edges.record(60_000);
  assert.equal(edges.quantile(0.5), BIN_MS);
  assert.ok(edges.quantile(1) > 10_000);
  assert.ok(Number.isNaN(new DelayHistogram().quantile(0.5)));
  assert.throws(() => merged.add([[1e9, 1]]), RangeError);
  merged.reset();
  assert.equal(merged.total, 0);
});

test('bots are spread evenly over as few processes as the per-process bound allows', () => {
  assert.deepEqual(splitBots(100, 500), [100]);
  assert.deepEqual(splitBots(1000, 500), [500, 500]);
  assert.deepEqual(splitBots(1001, 500), [334, 334, 333]);
  assert.deepEqual(splitBots(5000, 400).length, 13);
  assert.equal(splitBots(5000, 400).reduce((s, n) => s + n, 0), 5000);
});

test('/proc/<pid>/stat: the group and utime + stime, whatever the command name holds', () => {
  const line = '4242 (node (x) y) S 1 4240 4240 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 11 0 500 1000 200';
  assert.deepEqual(parseStat(line), { pgrp: 4240, cpuTicks: 280 });
  assert.equal(parseStat('garbage'), undefined);
});

test("a process group's CPU time grows while it computes", (t) => {
  let stat;
  try {
    stat = parseStat(readFileSync('/proc/self/stat', 'utf8'));
  } catch {
    return t.skip('no /proc here');
  }
  const before = processGroupCpuMs(stat!.pgrp)!;
  // Busy until this process has used 200 ms of CPU (however loaded the machine), at most 20 s.
  const start = process.cpuUsage();
  const deadline = performance.now() + 20_000;
  while (process.cpuUsage(start).user < 200_000 && performance.now() < deadline) Math.sqrt(Math.random());
  const after = processGroupCpuMs(stat!.pgrp)!;
  assert.ok(after - before >= 150, `${after - before} ms of CPU over 200 ms of computing`);
  const wait = processGroupRunQueueWaitMs(stat!.pgrp);
  if (wait !== undefined) assert.ok(Number.isFinite(wait) && wait >= 0, `waited ${wait} ms`);
  // A group no process is in: nothing to sum.
  assert.equal(processGroupCpuMs(2 ** 31 - 1), undefined);
  assert.equal(processGroupRunQueueWaitMs(2 ** 31 - 1), undefined);
});

test('tag-game options: interest modes, the arena, and what "held" means', () => {
  assert.deepEqual(parseModes('both'), ['full', 'interest']);
  assert.deepEqual(parseModes('off'), ['full']);
  assert.deepEqual(parseModes('on'), ['interest']);
  assert.throws(() => parseModes('sometimes'), /--interest must be on, off or both/);
  assert.deepEqual(parseArena('800x600', 5000), { w: 800, h: 600 });
  assert.throws(() => parseArena('800', 5000), /--arena must be auto or <w>x<h>/);
  const auto = parseArena('auto', 5000);
  assert.ok(Math.abs(auto.w / auto.h - 1.5) < 0.01, 'the default arena\'s shape');
  assert.ok(Math.abs((auto.w * auto.h) / 5000 - 40_000) < 100, 'about 40,000 units squared a player');
  assert.deepEqual(parseArena('auto', 10), { w: 2400, h: 1600 }, 'never smaller than the default arena');
  assert.equal(held(1000, 1000, 19.5, 50, 20), true);
  assert.equal(held(1000, 999, 20, 10, 20), false, 'a player missing');
  assert.equal(held(1000, 1000, 18.9, 10, 20), false, 'ticks lost');
  assert.equal(held(1000, 1000, 20, 50.25, 20), false, 'p99 over 50 ms');
});

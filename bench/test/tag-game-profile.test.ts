import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { XMLValidator } from 'fast-xml-parser';
import type { ScenarioRecord } from '../src/results/scenario-record.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

test('bench tag-game drives the ws baseline with bots in two processes and records every metric, the capacity, the table and the chart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-tag-game-'));
  try {
    const history = join(dir, 'history.jsonl');
    const out = join(dir, 'local');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CLI, 'tag-game', '--runtime=none', '--baselines=ws-full', '--interest=off', '--players=30', '--bots-per-process=20',
        '--ramp=200', '--duration=1', '--runs=1', `--history=${history}`, `--out=${out}`, '--json',
      ],
      { timeout: 55_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const record = JSON.parse(stdout) as ScenarioRecord;
    assert.equal(record.kind, 'scenario');
    assert.equal(record.profile, 'tag-game');
    assert.deepEqual(record.settings.level, { name: 'players', values: [30] });
    assert.deepEqual(record.targets.map((t) => [t.id, t.error]), [['ws-full', undefined]]);
    const [entry] = record.results;
    assert.equal(entry.target, 'ws-full');
    assert.equal(entry.level, 30);
    const m = entry.median;
    assert.equal(m.players, 30, 'every bot joined and stayed');
    assert.ok(m.tickRate > 0 && m.messagesPerSecond > 0 && m.bytesPerSecond > 0, JSON.stringify(m));
    // Full snapshots: every message carries all 30 players (about 60 bytes each).
    assert.ok(m.bytesPerSecond / m.messagesPerSecond > 30 * 40, `${m.bytesPerSecond / m.messagesPerSecond} bytes a message`);
    assert.ok(Number.isFinite(m.delayP50) && m.delayP99 >= m.delayP50);
    assert.ok(m.serverCpu > 0, 'the server used CPU');
    assert.ok(m.botCpu > 0 && m.botMaxCpu <= m.botCpu);
    assert.equal(m.dropped, 0);
    assert.ok(m.held === 0 || m.held === 1);
    assert.deepEqual(record.capacity?.map((c) => c.target), ['ws-full']);

    assert.equal((await readFile(history, 'utf8')).trim().split('\n').length, 1);
    assert.deepEqual((await readdir(join(out, record.id))).sort(), ['chart.svg', 'results.json', 'table.txt']);
    assert.equal(XMLValidator.validate(await readFile(join(out, record.id, 'chart.svg'), 'utf8')), true);
    assert.match(await readFile(join(out, record.id, 'table.txt'), 'utf8'), /players.*target.*ticks\/s.*p99 ms.*server CPU/);

    const listed = await promisify(execFile)(process.execPath, [CLI, 'history', `--history=${history}`], { timeout: 30_000 });
    assert.match(listed.stdout, /tag-game .* largest players held: ws \(full snapshots\) (30|none)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bench tag-game refuses bad options before starting anything', async () => {
  await assert.rejects(
    promisify(execFile)(process.execPath, [CLI, 'tag-game', '--runtime=none', '--interest=sometimes', '--no-history'], { timeout: 30_000 }),
    (error: { stderr: string }) => /--interest must be on, off or both/.test(error.stderr),
  );
  await assert.rejects(
    promisify(execFile)(process.execPath, [CLI, 'tag-game', '--runtime=none', '--players=10,x', '--no-history'], { timeout: 30_000 }),
    (error: { stderr: string }) => /--players must be a positive integer/.test(error.stderr),
  );
});

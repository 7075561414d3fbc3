import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { compile, formatDiagnostics } from '../../src/index.ts';

/**
 * Golden files: each program under test/programs (and test/programs/invalid) is compiled and its outputs
 * compared with test/golden/<name>.ir.json, <name>.flux.ts and <name>.errors.txt (diagnostics, or empty).
 * `UPDATE_GOLDEN=1 pnpm --filter @flux/compiler test` rewrites them.
 */
const update = process.env.UPDATE_GOLDEN === '1';
const goldenDir = new URL('./', import.meta.url);
const programDirs = [new URL('../programs/', import.meta.url), new URL('../programs/invalid/', import.meta.url)];

function compareGolden(file: string, actual: string | undefined): void {
  const url = new URL(file, goldenDir);
  if (update) {
    if (actual === undefined) rmSync(url, { force: true });
    else writeFileSync(url, actual);
    return;
  }
  if (actual === undefined) {
    assert.ok(!existsSync(url), `${file} should not exist: the program has errors`);
    return;
  }
  assert.ok(existsSync(url), `${file} is missing: run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(url, 'utf8'), `${file} differs from the compiler's output`);
}

for (const dir of programDirs) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.flux')).sort()) {
    const name = file.slice(0, -'.flux'.length);
    test(`golden: ${file}`, () => {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const result = compile(text, file);
      compareGolden(`${name}.errors.txt`, formatDiagnostics(result.diagnostics, result.source));
      compareGolden(`${name}.ir.json`, result.ir === undefined ? undefined : JSON.stringify(result.ir, null, 2) + '\n');
      compareGolden(`${name}.flux.ts`, result.typesModule);
    });
  }
}

test('the 2006 programs check with the expected result: web, image and game clean, the peer and the deadlock test with notes only', () => {
  const severities = (file: string) =>
    compile(readFileSync(new URL(file, programDirs[0]), 'utf8'), file).diagnostics.map((d) => d.category);
  assert.deepEqual(severities('web.flux'), []);
  assert.deepEqual(severities('image.flux'), []);
  assert.deepEqual(severities('game.flux'), []);
  assert.deepEqual(severities('deadlock.flux'), ['note', 'note', 'note']);
  assert.ok(severities('bittorrent.flux').every((s) => s === 'note'));
});

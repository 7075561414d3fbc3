/** The command line's failures: a torrent file that cannot be read, or no job given, is one clear line and exit 1. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVE } from './helpers/peer-process.ts';
import { tempDir } from './helpers/files.ts';

function serve(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [SERVE, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr };
}

test('a missing torrent file: exit 1 and the reason', { timeout: 35_000 }, () => {
  const r = serve(['--runtime', 'event', '--port', '0', '--torrent', '/nonexistent/x.torrent', '--out', '/tmp/never']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read torrent file \/nonexistent\/x\.torrent: ENOENT/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('a file that is not a torrent: exit 1 and the reason', { timeout: 35_000 }, () => {
  const tmp = tempDir();
  try {
    const bad = join(tmp.dir, 'bad.torrent');
    writeFileSync(bad, 'this is not bencoding');
    const r = serve(['--runtime', 'event', '--port', '0', '--torrent', bad, '--out', join(tmp.dir, 'out')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not a valid torrent file/);
  } finally {
    tmp.remove();
  }
});

test('nothing to do: exit 1 and what to give', { timeout: 35_000 }, () => {
  const r = serve(['--runtime', 'event', '--port', '0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--seed .* --torrent-out .* or --torrent .* --out/);
});

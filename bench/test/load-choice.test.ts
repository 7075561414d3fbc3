import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTOCANNON, chooseLoadClient, WRK } from '../src/load/load-choice.ts';
import { findWrk } from '../src/load/wrk-client.ts';

const WEB = [WRK, AUTOCANNON];

test('by default the fastest installed client drives the run: wrk when it is there', () => {
  const choice = chooseLoadClient({ supported: WEB, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 });
  assert.deepEqual(choice, { kind: WRK, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 });
});

test('without wrk, autocannon drives the run, with a note on its ceiling', () => {
  const choice = chooseLoadClient({ supported: WEB, wrkBinary: undefined, wrkThreads: 1 });
  assert.equal(choice.kind, AUTOCANNON);
  assert.match(choice.note ?? '', /^load generator: wrk is not installed.*autocannon.*saturates.*flagged capped/);
});

test('--load picks a supported client, and fails clearly for one not supported or not installed', () => {
  assert.equal(chooseLoadClient({ requested: AUTOCANNON, supported: WEB, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 }).kind, AUTOCANNON);
  assert.equal(chooseLoadClient({ requested: AUTOCANNON, supported: WEB, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 }).note, undefined, 'a choice, not a fallback');
  assert.throws(() => chooseLoadClient({ requested: 'ab', supported: WEB, wrkBinary: '/usr/bin/wrk', wrkThreads: 1 }), /cannot drive this profile \(it supports wrk, autocannon\)/);
  assert.throws(() => chooseLoadClient({ requested: WRK, supported: WEB, wrkBinary: undefined, wrkThreads: 1 }), /wrk is not installed/);
  assert.throws(() => chooseLoadClient({ requested: WRK, supported: ['raw-http1'], wrkBinary: '/usr/bin/wrk', wrkThreads: 1 }), /supports raw-http1/);
});

test("a profile's own client is its default whether wrk is installed or not, without a note", () => {
  for (const wrkBinary of ['/usr/bin/wrk', undefined]) {
    assert.deepEqual(chooseLoadClient({ supported: ['raw-http1'], wrkBinary, wrkThreads: 2 }), { kind: 'raw-http1', wrkThreads: 2 });
  }
});

test('wrk is found through $WRK or PATH; an explicit $WRK that is not there is not silently replaced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flux-bench-wrk-find-'));
  try {
    const fake = join(dir, 'wrk');
    await writeFile(fake, '#!/bin/sh\nexit 1\n');
    await chmod(fake, 0o755);
    assert.equal(findWrk({ PATH: dir }), fake);
    assert.equal(findWrk({ WRK: fake, PATH: '' }), fake);
    assert.equal(findWrk({ WRK: join(dir, 'missing'), PATH: dir }), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

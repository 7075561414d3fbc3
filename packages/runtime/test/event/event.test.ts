/** Behaviour specific to the `event` runtime (lock elision, lock state, admission) and to runServer. */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FlowOutcome } from '../../src/api.ts';
import type { EventRuntimeInstance } from '../../src/event/runtime.ts';
import { kCore, kInstance, kLocks } from '../../src/symbols.ts';
import { harness } from '../fixtures/harness.ts';
import { TICKS } from '../fixtures/lifecycle/lifecycle.ts';
import { startFixture } from '../helpers/fixture.ts';

const locksOf = (fx: Awaited<ReturnType<typeof startFixture>>) => (fx.server[kInstance] as EventRuntimeInstance)[kLocks];

describe('event runtime', () => {
  it('elides a lock only synchronous nodes use, and keeps the others', async () => {
    const fx = await startFixture('locks', 'event');
    try {
      const plan = fx.server[kCore].plan;
      const elided = plan.locks.filter((_, i) => plan.elided[i]).map((l) => l.name);
      assert.deepEqual(elided, ['synccounter']);
    } finally {
      await fx.stop();
    }
  });

  it('emitThen: a flow that ends at once is reported before emitThen returns, a waiting one when it ends', async () => {
    const fx = await startFixture('errors', 'event');
    try {
      const run = await harness.context('Run');
      let atOnce: FlowOutcome | undefined;
      run.emitThen((outcome) => (atOnce = outcome), 'first', 1); // fails in a synchronous node, synchronous handler
      assert.equal(atOnce?.status, 'error');
      let later: FlowOutcome | undefined;
      const ended = new Promise<FlowOutcome>((resolve) => run.emitThen((outcome) => resolve((later = outcome)), 'ok', 2));
      assert.equal(later, undefined, 'an async node: not ended yet');
      assert.equal((await ended).status, 'ok');
    } finally {
      await fx.stop();
    }
  });

  it('holds no lock after a storm of failing flows', async () => {
    const fx = await startFixture('errors', 'event');
    try {
      const modes = ['ok', 'deep', 'middle', 'last', 'predicate', 'middle-reject', 'arity', 'first'];
      await Promise.all(Array.from({ length: 200 }, (_, i) => fx.emit('Run', modes[i % modes.length]!, i)));
      assert.deepEqual(locksOf(fx).busyLocks(fx.server[kCore].plan.locks.map((l) => l.name)), []);
    } finally {
      await fx.stop();
    }
  });

  it('drops a session’s lock state when the session ends, after its flows finish', async () => {
    const fx = await startFixture('locks', 'event');
    try {
      const locks = locksOf(fx);
      const sess = await harness.context('Sess');
      const running = sess.emit('a', 1);
      assert.equal(locks.sessionCount, 1);
      await fx.endSession('Sess', 'a');
      assert.equal(locks.sessionCount, 1, 'a flow of the session still runs');
      assert.equal((await running).status, 'ok');
      assert.equal(locks.sessionCount, 0);
      await fx.emit('Sess', 'b', 2);
      assert.equal(locks.sessionCount, 1, 'a session that has not ended keeps its state');
    } finally {
      await fx.stop();
    }
  });

  it('refuses flows beyond the queue limit with an overload outcome', async () => {
    const fx = await startFixture('lifecycle', 'event', { queueLimit: 2 });
    try {
      await harness.recorded('Tick', TICKS); // the timer source is done
      const outcomes: FlowOutcome[] = await Promise.all([fx.emit('Slow', 20), fx.emit('Slow', 20), fx.emit('Slow', 20)]);
      assert.deepEqual(outcomes.map((o) => o.status), ['ok', 'ok', 'overload']);
      const stats = await fx.server.stats();
      assert.equal(stats.flows.overload, 1);
    } finally {
      await fx.stop();
    }
  });
});

describe('runServer', () => {
  it('serves, stops on SIGTERM with exit code 0 and writes statistics', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flux-run-server-'));
    const statsFile = join(dir, 'stats.json');
    const script = fileURLToPath(new URL('../fixtures/echo/serve.ts', import.meta.url));
    const child = spawn(process.execPath, [script, '--runtime', 'event', '--stats-out', statsFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (d: string) => {
          stdout += d;
          const m = /port (\d+)/.exec(stdout);
          if (m !== null) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
      });
      const socket = connect(port, '127.0.0.1');
      socket.setEncoding('utf8');
      let reply = '';
      socket.on('data', (d: string) => (reply += d));
      socket.write('hi\nquit\n');
      await once(socket, 'close');
      assert.equal(reply, 'HI\nbye\n');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
      const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
      assert.equal(stats.program, 'echo');
      assert.equal(stats.flows.ok, 2);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

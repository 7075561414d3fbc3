import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServerArgs, usage } from '../../src/cli/args.ts';

const defaults = { port: 8080, root: '.', cacheBytes: 1024, verbose: false };

describe('runServer arguments', () => {
  it('defaults to the event runtime and the server defaults', () => {
    const a = parseServerArgs([], defaults);
    assert.equal(a.runtime, 'event');
    assert.equal(a.stopDeadlineMs, 5000);
    assert.deepEqual(a.options, defaults);
    assert.equal(a.threads, undefined);
    assert.deepEqual(
      [a.flowsPerWorker, a.maxSessions, a.statsTimeoutMs, a.compileCache],
      [undefined, undefined, undefined, undefined],
      'the threaded runtimes\' own knobs are left to their defaults',
    );
  });

  it('reads --stats-sample-every as a whole number, 0 included, and refuses others', () => {
    assert.equal(parseServerArgs([], defaults).statsSampleEvery, undefined);
    assert.equal(parseServerArgs(['--stats-sample-every', '1'], defaults).statsSampleEvery, 1);
    assert.equal(parseServerArgs(['--stats-sample-every', '0'], defaults).statsSampleEvery, 0);
    assert.throws(() => parseServerArgs(['--stats-sample-every', '2.5'], defaults), /whole number/);
  });

  it('makes a string-list default a repeatable flag, its values in order', () => {
    const listed = { ...defaults, peer: [] as string[] };
    assert.deepEqual(parseServerArgs([], listed).options['peer'], []);
    const a = parseServerArgs(['--peer', '127.0.0.1:1', '--port', '0', '--peer', '127.0.0.1:2'], listed);
    assert.deepEqual(a.options['peer'], ['127.0.0.1:1', '127.0.0.1:2']);
    assert.match(usage(listed), /--peer <string, repeatable>/);
  });

  it('reads runtime flags and typed server flags', () => {
    const a = parseServerArgs(
      ['--runtime', 'threadpool', '--threads', '4', '--queue-limit', '100', '--max-threads', '8', '--stats-out', 's.json', '--port', '0', '--cache-bytes', '2048', '--verbose', '--root', '/srv'],
      defaults,
    );
    assert.deepEqual(
      { runtime: a.runtime, threads: a.threads, queueLimit: a.queueLimit, maxThreads: a.maxThreads, statsOut: a.statsOut },
      { runtime: 'threadpool', threads: 4, queueLimit: 100, maxThreads: 8, statsOut: 's.json' },
    );
    assert.deepEqual(a.options, { port: 0, root: '/srv', cacheBytes: 2048, verbose: true });
  });

  it('reads the threaded runtimes\' knobs', () => {
    const a = parseServerArgs(['--flows-per-worker', '1', '--max-sessions', '256', '--stats-timeout-ms', '500', '--no-compile-cache'], defaults);
    assert.deepEqual(
      { flowsPerWorker: a.flowsPerWorker, maxSessions: a.maxSessions, statsTimeoutMs: a.statsTimeoutMs, compileCache: a.compileCache },
      { flowsPerWorker: 1, maxSessions: 256, statsTimeoutMs: 500, compileCache: false },
    );
    assert.deepEqual(a.options, defaults, 'runtime flags are not server options');
    const t = parseServerArgs(['--thread-wait-ms', '2500', '--thread-idle-ms', '0', '--thread-start-after-ms', '50'], defaults);
    assert.deepEqual(
      { threadWaitMs: t.threadWaitMs, threadIdleMs: t.threadIdleMs, threadStartAfterMs: t.threadStartAfterMs },
      { threadWaitMs: 2500, threadIdleMs: 0, threadStartAfterMs: 50 },
    );
  });

  it('rejects bad values of the threaded runtimes\' knobs', () => {
    for (const argv of [
      ['--flows-per-worker', '0'],
      ['--flows-per-worker', '1.5'],
      ['--max-sessions', 'many'],
      ['--max-sessions', '-1'],
      ['--stats-timeout-ms', ''],
      ['--no-compile-cache', 'yes'],
      ['--thread-wait-ms', '-1'],
      ['--thread-idle-ms', 'soon'],
      ['--compile-cache'],
    ]) {
      assert.throws(() => parseServerArgs(argv, defaults), { code: 'FLUX_ERR_BAD_ARGUMENT' }, argv.join(' '));
    }
    assert.throws(() => parseServerArgs([], { flowsPerWorker: 3 }), { code: 'FLUX_ERR_BAD_ARGUMENT' }, 'a server option may not shadow a runtime flag');
  });

  it('rejects unknown flags, bad numbers and unknown runtimes with a stable code', () => {
    assert.throws(() => parseServerArgs(['--nope'], defaults), { code: 'FLUX_ERR_BAD_ARGUMENT' });
    assert.throws(() => parseServerArgs(['--port', 'eighty'], defaults), { code: 'FLUX_ERR_BAD_ARGUMENT' });
    assert.throws(() => parseServerArgs(['--threads', '0'], defaults), { code: 'FLUX_ERR_BAD_ARGUMENT' });
    assert.throws(() => parseServerArgs(['--runtime', 'fibers'], defaults), { code: 'FLUX_ERR_BAD_ARGUMENT' });
    assert.throws(() => parseServerArgs([], { threads: 3 }), { code: 'FLUX_ERR_BAD_ARGUMENT' });
  });

  it('lists every flag in the usage text', () => {
    const text = usage(defaults);
    for (const flag of ['--runtime', '--threads', '--queue-limit', '--max-threads', '--flows-per-worker', '--max-sessions', '--stats-timeout-ms', '--no-compile-cache', '--stats-out', '--port', '--cache-bytes', '--verbose', '--root']) {
      assert.ok(text.includes(flag), flag);
    }
  });
});

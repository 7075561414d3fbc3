/**
 * The CPU profile's servers: the Flux CPU server (bench/targets/cpu/) under every runtime and the node:http
 * baseline answer the same requests the same way: the right digest, pipelined requests in order, 400 for a bad
 * query (the connection stays usable), 404 and 405. The digest is checked against pbkdf2Sync called here.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { RuntimeKind } from '@flux/runtime';
import { startTarget, type RunningTarget } from '../src/process/target-process.ts';
import { cpuServer, startCpu, type RunningCpu } from '../targets/cpu/src/server.ts';
import { RawConnection } from './fixtures/raw-http.ts';

const NODE_HTTP = fileURLToPath(new URL('../targets/cpu/node-http.ts', import.meta.url));
const RUNTIMES: readonly RuntimeKind[] = ['event', 'threadpool', 'thread', 'workers'];
const MAX_ROUNDS = 1000;

/** What the servers must answer, computed here rather than by their shared digest function. */
function expected(rounds: number): string {
  const payload = Buffer.from('flux cpu benchmark payload '.repeat(10).slice(0, 256), 'latin1');
  return pbkdf2Sync(payload, Buffer.from('flux-cpu-salt'), rounds, 32, 'sha256').toString('hex') + '\n';
}

const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

interface ServerUnderTest {
  readonly url: string;
  stop(): Promise<void>;
}

const SERVERS: readonly { readonly name: string; readonly flux: boolean; start(): Promise<ServerUnderTest> }[] = [
  ...RUNTIMES.map((runtime) => ({
    name: `flux (${runtime})`,
    flux: true,
    start: async (): Promise<ServerUnderTest> => {
      const cpu: RunningCpu = await startCpu({ runtime, threads: 2, options: { maxRounds: MAX_ROUNDS } });
      return { url: cpu.url, stop: () => cpu.stop() };
    },
  })),
  {
    name: 'node:http',
    flux: false,
    start: async (): Promise<ServerUnderTest> => {
      const target: RunningTarget = await startTarget({
        label: 'node-http',
        command: process.execPath,
        args: [NODE_HTTP, '--port', '0', '--max-rounds', String(MAX_ROUNDS)],
        readiness: { kind: 'announce' },
      });
      return { url: target.url, stop: async () => { await target.stop(); } };
    },
  },
];

for (const server of SERVERS) {
  describe(`cpu server: ${server.name}`, () => {
    let running: ServerUnderTest;
    before(async () => {
      running = await server.start();
    });
    after(() => running.stop());

    test('answers the digest of the rounds asked for; pipelined requests in order', async () => {
      const c = await RawConnection.open(running.url);
      try {
        c.send(get('/digest?rounds=1') + get('/digest?rounds=700') + get('/digest?rounds=2'));
        const responses = await c.read(3);
        assert.deepEqual(responses.map((r) => r.status), [200, 200, 200]);
        assert.deepEqual(responses.map((r) => r.body.toString('latin1')), [expected(1), expected(700), expected(2)]);
        assert.equal(responses[0]!.headers['content-type'], 'text/plain; charset=utf-8');
      } finally {
        c.destroy();
      }
    });

    test('a bad query is 400 and the connection stays usable; another path 404; another method 405', async () => {
      const c = await RawConnection.open(running.url);
      try {
        const bad = ['/digest', '/digest?rounds=0', '/digest?rounds=abc', '/digest?rounds=-3', `/digest?rounds=${MAX_ROUNDS + 1}`, '/digest?rounds=5&x=1', '/digest?round=5'];
        for (const target of bad) {
          c.send(get(target));
          const [r] = await c.read(1);
          assert.equal(r!.status, 400, target);
        }
        c.send(get('/other?rounds=5'));
        assert.equal((await c.read(1))[0]!.status, 404);
        c.send('POST /digest?rounds=5 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n');
        const [refused] = await c.read(1);
        assert.equal(refused!.status, 405);
        assert.equal(refused!.headers.allow, 'GET');
        c.send(get('/digest?rounds=3'));
        assert.equal((await c.read(1))[0]!.body.toString('latin1'), expected(3), 'still usable after the errors');
      } finally {
        c.destroy();
      }
    });

    if (server.flux) {
      test('a malformed request line is 400 and closes; another version 505; HTTP/1.0 closes after its answer', async () => {
        for (const [request, status] of [['GARBAGE\r\n\r\n', 400], ['GET /digest?rounds=1 HTTP/2.0\r\n\r\n', 505], ['GET /digest?rounds=1 HTTP/1.0\r\n\r\n', 200]] as const) {
          const c = await RawConnection.open(running.url);
          try {
            c.send(request);
            const [r] = await c.read(1);
            assert.equal(r!.status, status, request);
            assert.equal(r!.headers.server, 'flux-cpu');
            assert.equal(await c.closedByServer(5000), true, `${request}: closed`);
          } finally {
            c.destroy();
          }
        }
      });
    }
  });
}

test('src/cpu.flux.ts is the types module the compiler makes of cpu.flux (node bench/targets/cpu/generate-types.ts)', async () => {
  assert.equal(await readFile(cpuServer.typesFile, 'utf8'), cpuServer.compile().typesModule);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const BASELINE = fileURLToPath(new URL('../targets/tag-game/ws-baseline.ts', import.meta.url));
const WAIT_MS = 10_000;

interface Server {
  readonly child: ChildProcess;
  readonly origin: string;
  stop(): Promise<number | null>;
}

async function startBaseline(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [BASELINE, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline did not start: ${stderr}`)), WAIT_MS);
    child.stdout!.on('data', (d) => {
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(String(d));
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`baseline exited ${code}: ${stderr}`)));
  });
  return {
    child,
    origin,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

interface Frame {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** A test client: frames as parsed JSON, in order; every wait bounded. */
class Client {
  readonly socket: WebSocket;
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  private wake: (() => void) | undefined;

  constructor(server: Server, origin = server.origin) {
    this.socket = new WebSocket(`${server.origin.replace('http', 'ws')}/ws`, { origin });
    this.socket.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as Frame);
      this.wake?.();
    });
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake?.();
    });
    this.socket.on('error', () => this.wake?.());
  }

  async opened(): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) await once(this.socket, 'open');
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  async until<T>(what: string, check: () => T | undefined): Promise<T> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  welcome(): Promise<Frame> {
    return this.until('a welcome', () => this.frames.find((f) => f.type === 'welcome'));
  }

  /** The first state frame after `afterTick`. */
  state(afterTick = 0): Promise<Frame> {
    return this.until(`a state after tick ${afterTick}`, () => this.frames.find((f) => f.type === 'state' && (f.tick as number) > afterTick));
  }

  closeCode(): Promise<number> {
    return this.until('the close', () => this.closed?.code);
  }
}

type StatePlayer = { id: string; name: string; x: number; y: number; score: number };

test('ws baseline: join, welcome, states at the tick rate, movement capped at the speed, rejoin by token, SIGTERM exits 0', async () => {
  const server = await startBaseline(['--interest', 'off', '--speed', '200']);
  try {
    const ann = new Client(server);
    await ann.opened();
    ann.send({ type: 'join', name: 'ann' });
    const welcome = await ann.welcome();
    assert.equal(typeof welcome.id, 'string');
    assert.equal(typeof welcome.token, 'string');
    assert.deepEqual(welcome.arena, { w: 2400, h: 1600 });
    assert.equal(welcome.tickHz, 20);
    const first = await ann.state();
    assert.equal(typeof first.time, 'number');
    assert.equal(first.it, welcome.id);
    const at = (frame: Frame) => (frame.players as StatePlayer[]).find((p) => p.id === welcome.id)!;
    // Ask for 100 times the top speed: the world clamps the direction to length 1.
    ann.send({ type: 'input', seq: 1, dx: 100, dy: 0 });
    const start = await ann.state(first.tick as number);
    const later = await ann.state((start.tick as number) + 10);
    const seconds = ((later.time as number) - (start.time as number)) / 1000;
    const moved = Math.hypot(at(later).x - at(start).x, at(later).y - at(start).y);
    assert.ok(moved > 0, 'the player moved');
    assert.ok(moved <= 200 * seconds + 2, `moved ${moved} in ${seconds} s at 200 units/s at most`);

    ann.socket.close();
    await ann.closeCode();
    const again = new Client(server);
    await again.opened();
    again.send({ type: 'join', token: welcome.token });
    assert.equal((await again.welcome()).id, welcome.id, 'the same player back');
    again.socket.close();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('ws baseline: malformed, unknown, out-of-order, oversize and flooding clients are closed with the documented codes; a foreign Origin is refused', async () => {
  const server = await startBaseline(['--interest', 'on', '--rate-limit', '10', '--rate-burst', '10']);
  try {
    const cases: [string, (c: Client) => void, number][] = [
      ['malformed JSON', (c) => c.send('{nope'), 4000],
      ['an unknown type', (c) => c.send({ type: 'fly' }), 4001],
      ['input before join', (c) => c.send({ type: 'input', seq: 1, dx: 0, dy: 0 }), 4003],
      ['an unknown token', (c) => c.send({ type: 'join', token: 'nobody' }), 4004],
      ['a binary frame', (c) => c.socket.send(Buffer.from('{}'), { binary: true }), 4000],
      ['a frame over maxPayload', (c) => c.send({ type: 'join', name: 'x'.repeat(2000) }), 1009],
      ['a flood past the rate limit', (c) => {
        c.send({ type: 'join', name: 'flood' });
        for (let i = 1; i <= 30; i++) c.send({ type: 'input', seq: i, dx: 0, dy: 0 });
      }, 4002],
    ];
    for (const [what, act, code] of cases) {
      const client = new Client(server);
      await client.opened();
      act(client);
      assert.equal(await client.closeCode(), code, what);
    }
    const twice = new Client(server);
    await twice.opened();
    twice.send({ type: 'join', name: 'a' });
    await twice.welcome();
    twice.send({ type: 'join', name: 'b' });
    assert.equal(await twice.closeCode(), 4003, 'a second join');

    const foreign = new WebSocket(`${server.origin.replace('http', 'ws')}/ws`, { origin: 'http://evil.example' });
    const [error] = (await once(foreign, 'error')) as [Error];
    assert.match(error.message, /403/);
    // The server still serves everyone else.
    const fine = new Client(server);
    await fine.opened();
    fine.send({ type: 'join', name: 'fine' });
    await fine.welcome();
    await fine.state();
    fine.socket.close();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('ws baseline: full snapshots send every player to everyone; interest management only the players near each', async () => {
  for (const interest of ['off', 'on'] as const) {
    // 24 x 16 interest cells: six players spread at random are almost never all within one 3 x 3 block.
    const server = await startBaseline(['--interest', interest, '--view-cell', '100']);
    try {
      const clients = Array.from({ length: 6 }, () => new Client(server));
      for (const [i, c] of clients.entries()) {
        await c.opened();
        c.send({ type: 'join', name: `p${i}` });
        await c.welcome();
      }
      const ids = await Promise.all(clients.map(async (c) => (await c.welcome()).id as string));
      const lastTick = Math.max(...clients.map((c) => Math.max(0, ...c.frames.filter((f) => f.type === 'state').map((f) => f.tick as number))));
      const states = await Promise.all(clients.map((c) => c.state(lastTick)));
      for (const [i, state] of states.entries()) {
        const seen = (state.players as StatePlayer[]).map((p) => p.id);
        assert.ok(seen.includes(ids[i]), 'a player always sees itself');
        assert.ok(seen.includes(state.it as string), 'and "it"');
      }
      const sizes = states.map((s) => (s.players as StatePlayer[]).length);
      if (interest === 'off') assert.deepEqual(sizes, [6, 6, 6, 6, 6, 6]);
      else assert.ok(sizes.some((n) => n < 6), `interest management: views of ${sizes.join(', ')} players`);
      for (const c of clients) c.socket.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  }
});

test('ws baseline: a bad flag is refused with a clear message', async () => {
  const child = spawn(process.execPath, [BASELINE, '--interest', 'maybe'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 2);
  assert.match(stderr, /--interest must be on or off/);
  const bad = spawn(process.execPath, [BASELINE, '--arena-w', 'wide'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let badErr = '';
  bad.stderr!.on('data', (d) => (badErr += String(d)));
  assert.equal(((await once(bad, 'exit')) as [number])[0], 2);
  assert.match(badErr, /arenaW must be a non-negative number/);
});

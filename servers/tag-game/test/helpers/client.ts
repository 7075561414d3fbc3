/** A WebSocket client for tests: every message kept in order, waits bounded, the close code recorded. */

import WebSocket from 'ws';

export interface Welcome {
  type: 'welcome';
  id: string;
  token: string;
  arena: { w: number; h: number };
  tickHz: number;
}

export interface StatePlayer {
  id: string;
  name: string;
  x: number;
  y: number;
  score: number;
}

export interface State {
  type: 'state';
  tick: number;
  time: number;
  it: string | null;
  players: StatePlayer[];
}

export class TestClient {
  readonly ws: WebSocket;
  readonly messages: any[] = [];
  /** Resolves with the close code once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  private seq = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      this.wake();
    }));
    ws.on('error', () => {});
  }

  static open(url: string, options: { origin?: string } = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { origin: options.origin, maxPayload: 64 * 1024 * 1024 });
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  static async joined(url: string, name: string): Promise<{ client: TestClient; welcome: Welcome }> {
    const client = await TestClient.open(url);
    return { client, welcome: await client.join(name) };
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async join(name: string): Promise<Welcome> {
    this.send({ type: 'join', name });
    return this.next((m) => m.type === 'welcome');
  }

  async rejoin(token: string): Promise<Welcome> {
    this.send({ type: 'join', token });
    return this.next((m) => m.type === 'welcome');
  }

  input(dx: number, dy: number): void {
    this.send({ type: 'input', seq: ++this.seq, dx, dy });
  }

  /** The first message from `from` on that matches, waiting up to `timeoutMs`. */
  async next<T = any>(match: (message: any) => boolean, timeoutMs = 10_000, from = 0): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let seen = from;
    for (;;) {
      for (; seen < this.messages.length; seen++) if (match(this.messages[seen])) return this.messages[seen];
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before a matching message (${this.messages.length} messages)`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms (${this.messages.length} messages)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next state (after those already received) that matches. */
  nextState(match: (state: State) => boolean = () => true, timeoutMs = 10_000): Promise<State> {
    return this.next<State>((m) => m.type === 'state' && match(m), timeoutMs, this.messages.length);
  }

  states(): State[] {
    return this.messages.filter((m) => m.type === 'state');
  }

  /** The close, waiting up to `timeoutMs`. */
  async closeCode(timeoutMs = 10_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return (await Promise.race([this.closed, timeout])).code;
    } finally {
      clearTimeout(timer);
    }
  }

  close(code = 1000): Promise<{ code: number; reason: string }> {
    this.ws.close(code);
    return this.closed;
  }

  terminate(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Polls `check` until it returns true, every 20 ms, up to `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { compile } from '@flux/compiler';
import type { ProgramIR } from '@flux/compiler/ir.ts';
import type { Conn, SourceContext } from '../../src/api.ts';
import type { FluxError } from '../../src/errors.ts';
import { start, type FluxServer, type StartOptions } from '../../src/start.ts';
import { kCore, kInstance } from '../../src/symbols.ts';
import type { WorkersInstance } from '../../src/workers/runtime.ts';
import { withTimeout } from '../helpers/bounded.ts';
import { P } from './fixtures/workers.ts';

export { waitFor, withTimeout } from '../helpers/bounded.ts';
export { P };

const programFile = fileURLToPath(new URL('./fixtures/workers.flux', import.meta.url));
export const implementationUrl = new URL('./fixtures/workers.ts', import.meta.url);

let cachedIr: ProgramIR | undefined;
export function workersIr(): ProgramIR {
  if (cachedIr !== undefined) return cachedIr;
  const result = compile(readFileSync(programFile, 'utf8'), programFile);
  if (result.ir === undefined) throw new Error(`workers.flux does not compile: ${JSON.stringify(result.diagnostics)}`);
  cachedIr = result.ir;
  return cachedIr;
}

export interface TestServer {
  readonly server: FluxServer;
  readonly instance: WorkersInstance;
  readonly port: number;
  /** The Tick source (a 'once' source: main thread). */
  readonly tick: SourceContext<[Conn, string]>;
  readonly probe: Int32Array;
  readonly errors: FluxError[];
  stop(deadlineMs?: number): Promise<void>;
}

export async function startTestServer(extra: Partial<Pick<StartOptions, 'threads' | 'queueLimit'>> = {}): Promise<TestServer> {
  let gotTick!: (ctx: SourceContext<[Conn, string]>) => void;
  const tick = new Promise<SourceContext<[Conn, string]>>((resolve) => (gotTick = resolve));
  const errors: FluxError[] = [];
  const server = await start({
    ir: workersIr(),
    implementation: implementationUrl,
    runtime: 'workers',
    threads: 2,
    ...extra,
    options: { onSource: (ctx: SourceContext<[Conn, string]>) => gotTick(ctx) },
    onError: (error) => errors.push(error),
  });
  const { port } = await withTimeout(server.listening('Listen'), 'every worker listening');
  return {
    server,
    instance: server[kInstance] as WorkersInstance,
    port,
    tick: await withTimeout(tick, 'the Tick source'),
    probe: new Int32Array(server[kCore].shared.get('probe', P.size * 4)),
    errors,
    stop: (deadlineMs = 5000) => withTimeout(server.stop({ deadlineMs }), 'server stop', 15_000),
  };
}

/** A client of the line protocol: one request line in, one answer line out, in order. */
export class LineClient {
  readonly socket: Socket;
  private buffered = '';
  private lines: string[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let i;
      while ((i = this.buffered.indexOf('\n')) >= 0) {
        this.lines.push(this.buffered.slice(0, i));
        this.buffered = this.buffered.slice(i + 1);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(port: number): Promise<LineClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await withTimeout(once(socket, 'connect'), 'connect');
    return new LineClient(socket);
  }

  send(...lines: string[]): void {
    this.socket.write(lines.map((l) => `${l}\n`).join(''));
  }

  /** The next `n` answer lines (rejects if the connection closes first, or after 10 s). */
  async read(n = 1): Promise<string[]> {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (this.lines.length >= n) resolve();
          else if (this.closed) reject(new Error(`connection closed after ${this.lines.length} of ${n} lines`));
          else this.waiters.push(check);
        };
        check();
      }),
      `${n} answer lines`,
      10_000,
    );
    return this.lines.splice(0, n);
  }

  /** Sends one line and reads its answer. */
  async ask(line: string): Promise<string> {
    this.send(line);
    return (await this.read(1))[0]!;
  }

  async waitClosed(): Promise<void> {
    if (!this.closed) await withTimeout(once(this.socket, 'close'), 'the server closing the connection', 10_000);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Where a connection's flows run: `where <threadId|main> <connId>`. */
export async function whereOf(client: LineClient): Promise<{ thread: string; conn: number }> {
  const [word, thread, conn] = (await client.ask('where')).split(' ');
  if (word !== 'where') throw new Error(`unexpected answer ${word}`);
  return { thread: thread!, conn: Number(conn) };
}

/**
 * Opens connections until they have reached `threads` different workers (the kernel spreads connections over
 * the workers' sockets; 64 connections all landing on one of two workers has a chance of 2^-63). Returns one
 * client per worker thread id, and closes the others.
 */
export async function clientPerThread(port: number, threads: number): Promise<Map<string, LineClient>> {
  const byThread = new Map<string, LineClient>();
  for (let i = 0; i < 64 && byThread.size < threads; i++) {
    const client = await LineClient.open(port);
    const { thread } = await whereOf(client);
    if (byThread.has(thread)) client.close();
    else byThread.set(thread, client);
  }
  if (byThread.size < threads) throw new Error(`64 connections reached only ${byThread.size} of ${threads} workers`);
  return byThread;
}

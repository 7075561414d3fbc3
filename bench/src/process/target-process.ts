/**
 * Starts a target server in its own process and waits until it is ready: either it prints a line with
 * `http://127.0.0.1:<port>` (start it on port 0 and read the port back), or, for servers that print nothing
 * (nginx), an HTTP probe on a port chosen beforehand answers. Bounded in time; a target that fails to start is
 * reported with its exit status and the tail of its stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { BenchError, benchCodes } from '../errors.ts';
import { onInterrupt, signalChild, trackChild } from './children.ts';

export type Readiness =
  /** Ready when stdout or stderr shows `http://127.0.0.1:<port>`. */
  | { readonly kind: 'announce' }
  /** Ready when an HTTP request to this URL gets any answer. */
  | { readonly kind: 'probe'; readonly url: string };

export interface LaunchSpec {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly readiness: Readiness;
  /** Milliseconds to wait for readiness; 20 s by default. */
  readonly readyTimeoutMs?: number;
  /** Runs after the process has exited (remove a temporary folder). */
  readonly cleanup?: () => Promise<void>;
}

export interface RunningTarget {
  readonly label: string;
  readonly url: string;
  readonly pid: number;
  /** The last few kilobytes the target wrote to stderr. */
  stderrTail(): string;
  /** How the process ended, once it has. */
  exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process has exited and cleanup ran. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const TAIL_BYTES = 8192;
const ANNOUNCED_URL = /http:\/\/(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1?\]|[\w.-]+):(\d+)/;

class Tail {
  private text = '';
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-TAIL_BYTES);
  }
  toString(): string {
    return this.text;
  }
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

function withTail(message: string, tail: string): string {
  const trimmed = tail.trim();
  return trimmed ? `${message}\n--- stderr (last lines) ---\n${trimmed.split('\n').slice(-30).join('\n')}` : `${message} (no stderr output)`;
}

/** Resolves when an HTTP GET to `url` gets a response of any status. */
function probeOnce(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function startTarget(spec: LaunchSpec): Promise<RunningTarget> {
  const timeoutMs = spec.readyTimeoutMs ?? 20_000;
  if (spec.readiness.kind === 'probe' && new URL(spec.readiness.url).hostname !== '127.0.0.1') {
    throw new BenchError(benchCodes.NOT_LOOPBACK, `${spec.label}: probe ${spec.readiness.url} is not on 127.0.0.1`);
  }
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw new BenchError(benchCodes.TARGET_SPAWN, `${spec.label}: cannot start ${spec.command}: ${(error as Error).message}`, { cause: error });
  }
  trackChild(child);
  const stderr = new Tail();
  const stdout = new Tail();
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdin!.on('error', () => {});

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
    // A command that could not be started emits 'error' and never 'exit'.
    if (child.pid === undefined) child.emit('exit', null, null);
  });

  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let cleaned = false;
  const runCleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await spec.cleanup?.();
  };
  const stop = (graceMs = 5000) => {
    stopping ??= (async () => {
      if (!exited) {
        signalChild(child, 'SIGTERM');
        const timer = setTimeout(() => signalChild(child, 'SIGKILL'), graceMs);
        await exitPromise;
        clearTimeout(timer);
      }
      // Reap anything the target left in its process group (nginx workers).
      signalChild(child, 'SIGKILL');
      child.stdin?.destroy();
      unregister();
      await runCleanup();
      return exited!;
    })();
    return stopping;
  };
  const unregister = onInterrupt(async () => {
    await stop(2000);
  });

  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poller);
      if (error) reject(error);
      else resolve(value!);
    };
    const onLine = (tail: Tail) => (chunk: string) => {
      tail.push(chunk);
      if (spec.readiness.kind !== 'announce') return;
      const match = ANNOUNCED_URL.exec(tail.toString());
      if (!match) return;
      if (match[1] !== '127.0.0.1') {
        finish(new BenchError(benchCodes.NOT_LOOPBACK, `${spec.label}: announced ${match[0]}, but benchmarks only target http://127.0.0.1`));
        return;
      }
      finish(undefined, `http://127.0.0.1:${match[2]}`);
    };
    child.stdout!.on('data', onLine(stdout));
    child.stderr!.on('data', onLine(stderr));
    child.once('exit', (code, signal) => {
      const why = spawnError ? `could not start (${spawnError.message})` : `exited before it was ready (${describeExit(code, signal)})`;
      finish(new BenchError(spawnError ? benchCodes.TARGET_SPAWN : benchCodes.TARGET_EXITED, withTail(`${spec.label}: ${why}`, stderr.toString())));
    });
    const timer = setTimeout(() => {
      const waitingFor = spec.readiness.kind === 'announce' ? 'print http://127.0.0.1:<port>' : `answer at ${spec.readiness.url}`;
      finish(new BenchError(benchCodes.TARGET_TIMEOUT, withTail(`${spec.label}: did not ${waitingFor} within ${timeoutMs} ms`, stderr.toString())));
    }, timeoutMs);
    let probing = false;
    const poller = setInterval(() => {
      if (spec.readiness.kind !== 'probe' || probing || settled) return;
      probing = true;
      const probeUrl = spec.readiness.url;
      void probeOnce(probeUrl).then((ok) => {
        probing = false;
        if (ok) finish(undefined, new URL(probeUrl).origin);
      });
    }, 50);
  }).catch(async (error: unknown) => {
    await stop(1000);
    throw error;
  });

  // Keep draining the pipes so a chatty target never blocks on a full pipe.
  child.stdout!.resume();
  return {
    label: spec.label,
    url,
    pid: child.pid!,
    stderrTail: () => stderr.toString(),
    exitStatus: () => exited,
    stop,
  };
}

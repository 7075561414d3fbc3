/**
 * Command-line arguments of a server launched through `runServer`: the runtime flags every server has, plus
 * the server's own options, one flag per key of its `defaults` (camelCase key -> --kebab-case flag; the
 * default's type decides how the value is read: number, boolean switch, or string).
 */

import { parseArgs } from 'node:util';
import type { RuntimeKind } from '../api.ts';
import { codes, FluxError } from '../errors.ts';
import { RUNTIME_KINDS } from '../start.ts';

/** A server option's default: its type decides the flag's (a string list makes a repeatable flag: `--peer a --peer b`). */
export type OptionValue = string | number | boolean | readonly string[];

export interface ServerArgs {
  readonly runtime: RuntimeKind;
  readonly threads?: number;
  readonly queueLimit?: number;
  readonly maxThreads?: number;
  readonly flowsPerWorker?: number;
  readonly maxSessions?: number;
  readonly statsTimeoutMs?: number;
  /** false with --no-compile-cache; undefined otherwise (the runtime's default, on). */
  readonly compileCache?: boolean;
  readonly threadWaitMs?: number;
  readonly threadIdleMs?: number;
  readonly threadStartAfterMs?: number;
  readonly statsOut?: string;
  /** Time 1 node call and flow in N for the profile (0: none); undefined: the runtime's default. */
  readonly statsSampleEvery?: number;
  readonly stopDeadlineMs: number;
  readonly help: boolean;
  /** The server's options: `defaults` overridden by the flags given. */
  readonly options: Record<string, OptionValue>;
}

const RUNTIME_FLAGS = [
  'runtime',
  'threads',
  'queue-limit',
  'max-threads',
  'flows-per-worker',
  'max-sessions',
  'stats-timeout-ms',
  'no-compile-cache',
  'thread-wait-ms',
  'thread-idle-ms',
  'thread-start-after-ms',
  'stats-out',
  'stats-sample-every',
  'stop-deadline-ms',
  'help',
];

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function usage(defaults: Readonly<Record<string, OptionValue>>): string {
  const lines = [
    'options:',
    '  --runtime <event|threadpool|thread|workers>  runtime to run the program on (default event)',
    '  --threads <n>                        worker threads (threadpool, workers); thread: started without waiting',
    '  --queue-limit <n>                    refuse flows beyond this many queued or running',
    '  --max-threads <n>                    most workers the thread runtime starts',
    '  --flows-per-worker <n>               flows one threadpool worker runs at once (default 64)',
    '  --max-sessions <n>                   sessions with session locks open at once (threaded runtimes, default 4096)',
    '  --stats-timeout-ms <ms>              how long statistics wait for a worker (threaded runtimes, default 2000)',
    '  --no-compile-cache                   workers boot without Node\'s compile cache (threaded runtimes)',
    '  --thread-wait-ms <ms>                thread: longest wait for a worker before 503 (default 10000)',
    '  --thread-idle-ms <ms>                thread: a worker idle this long is ended (default 1000)',
    '  --thread-start-after-ms <ms>         thread: wait before a worker past --threads may start (default 100)',
    '  --stats-out <file>                   write statistics as JSON there on exit',
    '  --stats-sample-every <n>             time 1 node call and flow in n for the profile (0: none; default 64)',
    '  --stop-deadline-ms <ms>              how long in-flight flows may take to finish on exit (default 5000)',
  ];
  for (const [key, value] of Object.entries(defaults)) {
    const kind = Array.isArray(value) ? 'string, repeatable' : typeof value;
    const flag = typeof value === 'boolean' ? `--${kebab(key)}` : `--${kebab(key)} <${kind}>`;
    lines.push(`  ${flag.padEnd(37)}default ${JSON.stringify(value)}`);
  }
  return lines.join('\n');
}

export function parseServerArgs(argv: readonly string[], defaults: Readonly<Record<string, OptionValue>>): ServerArgs {
  const spec: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    runtime: { type: 'string' },
    threads: { type: 'string' },
    'queue-limit': { type: 'string' },
    'max-threads': { type: 'string' },
    'flows-per-worker': { type: 'string' },
    'max-sessions': { type: 'string' },
    'stats-timeout-ms': { type: 'string' },
    'no-compile-cache': { type: 'boolean' },
    'thread-wait-ms': { type: 'string' },
    'thread-idle-ms': { type: 'string' },
    'thread-start-after-ms': { type: 'string' },
    'stats-out': { type: 'string' },
    'stats-sample-every': { type: 'string' },
    'stop-deadline-ms': { type: 'string' },
    help: { type: 'boolean' },
  };
  const keyOfFlag = new Map<string, string>();
  for (const [key, value] of Object.entries(defaults)) {
    const flag = kebab(key);
    if (RUNTIME_FLAGS.includes(flag)) throw new FluxError(codes.BAD_ARGUMENT, `server option ${key} clashes with the runtime flag --${flag}`);
    keyOfFlag.set(flag, key);
    spec[flag] = Array.isArray(value) ? { type: 'string', multiple: true } : { type: typeof value === 'boolean' ? 'boolean' : 'string' };
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }) as {
      values: Record<string, string | boolean | string[] | undefined>;
    });
  } catch (error) {
    throw new FluxError(codes.BAD_ARGUMENT, `${(error as Error).message}\n${usage(defaults)}`, { cause: error });
  }

  const runtime = (values['runtime'] ?? 'event') as RuntimeKind;
  if (!RUNTIME_KINDS.includes(runtime)) {
    throw new FluxError(codes.BAD_ARGUMENT, `--runtime must be one of ${RUNTIME_KINDS.join(', ')}, not "${runtime}"`);
  }
  const options: Record<string, OptionValue> = { ...defaults };
  for (const [flag, key] of keyOfFlag) {
    const raw = values[flag];
    if (raw === undefined) continue;
    options[key] = typeof defaults[key] === 'number' ? toNumber(flag, raw as string) : raw;
  }
  const count = (flag: string): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = toNumber(flag, raw as string);
    if (!Number.isInteger(n) || n < 1) throw new FluxError(codes.BAD_ARGUMENT, `--${flag} must be a positive integer, not "${String(raw)}"`);
    return n;
  };
  const wholeNumber = (flag: string): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = toNumber(flag, raw as string);
    if (!Number.isInteger(n) || n < 0) throw new FluxError(codes.BAD_ARGUMENT, `--${flag} must be a whole number, not "${String(raw)}"`);
    return n;
  };
  const milliseconds = (flag: string): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = toNumber(flag, raw as string);
    if (n < 0) throw new FluxError(codes.BAD_ARGUMENT, `--${flag} must be a number of milliseconds, not "${String(raw)}"`);
    return n;
  };
  const deadline = values['stop-deadline-ms'] === undefined ? 5000 : toNumber('stop-deadline-ms', values['stop-deadline-ms'] as string);
  return {
    runtime,
    threads: count('threads'),
    queueLimit: count('queue-limit'),
    maxThreads: count('max-threads'),
    flowsPerWorker: count('flows-per-worker'),
    maxSessions: count('max-sessions'),
    statsTimeoutMs: count('stats-timeout-ms'),
    compileCache: values['no-compile-cache'] === true ? false : undefined,
    threadWaitMs: milliseconds('thread-wait-ms'),
    threadIdleMs: milliseconds('thread-idle-ms'),
    threadStartAfterMs: milliseconds('thread-start-after-ms'),
    statsOut: values['stats-out'] as string | undefined,
    statsSampleEvery: wholeNumber('stats-sample-every'),
    stopDeadlineMs: deadline,
    help: values['help'] === true,
    options,
  };
}

function toNumber(flag: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new FluxError(codes.BAD_ARGUMENT, `--${flag} needs a number, not "${raw}"`);
  return n;
}

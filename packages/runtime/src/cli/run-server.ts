/**
 * runServer: what each server's `serve.ts` calls.
 *
 *   await runServer({ fluxFile: new URL('./web.flux', import.meta.url), implementation: new URL('./index.ts', import.meta.url),
 *                     defaults: { port: 8080, root: '.' } });
 *
 * Parses the command line (see args.ts), compiles the program, starts it, and on SIGINT / SIGTERM stops the
 * sources, lets in-flight flows finish within the deadline, writes statistics to --stats-out, and exits 0.
 */

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FluxError, messageOf } from '../errors.ts';
import { start, type FluxServer } from '../start.ts';
import { parseServerArgs, usage, type OptionValue, type ServerArgs } from './args.ts';
import { loadProgram } from './load-program.ts';

export interface RunServerOptions {
  /** The program: a `.flux` file (compiled at launch) or a compiled `.ir.json`. */
  readonly fluxFile: string | URL;
  /** The implementation module (its default export is the Implementation). */
  readonly implementation: string | URL;
  /** The server's options and their defaults; each becomes a flag (`cacheBytes` -> `--cache-bytes`). */
  readonly defaults?: Readonly<Record<string, OptionValue>>;
  /** Arguments to parse; default `process.argv.slice(2)`. */
  readonly argv?: readonly string[];
  /** Extra options passed to the server as they are (not flags), e.g. callbacks for tests. */
  readonly extraOptions?: Readonly<Record<string, unknown>>;
  /** Install SIGINT/SIGTERM handlers that stop and exit the process (default true). */
  readonly handleSignals?: boolean;
}

/** A server started from the command line, and how to end it the way a signal does. */
export interface ServingServer {
  readonly server: FluxServer;
  readonly args: ServerArgs;
  /** Stops the server within --stop-deadline-ms, writes --stats-out, and exits with `code` (a server that finishes its job). */
  exit(code?: number): Promise<never>;
}

export async function runServer(opts: RunServerOptions): Promise<FluxServer> {
  return (await serveFromCommandLine(opts)).server;
}

export async function serveFromCommandLine(opts: RunServerOptions): Promise<ServingServer> {
  const defaults = opts.defaults ?? {};
  let args;
  try {
    args = parseServerArgs(opts.argv ?? process.argv.slice(2), defaults);
  } catch (error) {
    return fatal(error);
  }
  if (args.help) {
    process.stdout.write(`${usage(defaults)}\n`);
    process.exit(0);
  }
  const fluxFile = opts.fluxFile instanceof URL ? fileURLToPath(opts.fluxFile) : opts.fluxFile;
  let server: FluxServer;
  try {
    const ir = await loadProgram(fluxFile);
    server = await start({
      ir,
      implementation: opts.implementation,
      runtime: args.runtime,
      options: { ...args.options, ...opts.extraOptions },
      threads: args.threads,
      queueLimit: args.queueLimit,
      maxThreads: args.maxThreads,
      flowsPerWorker: args.flowsPerWorker,
      maxSessions: args.maxSessions,
      statsTimeoutMs: args.statsTimeoutMs,
      compileCache: args.compileCache,
      threadWaitMs: args.threadWaitMs,
      threadIdleMs: args.threadIdleMs,
      threadStartAfterMs: args.threadStartAfterMs,
      stats: args.statsSampleEvery === undefined ? undefined : { timingSampleEvery: args.statsSampleEvery },
    });
    process.stderr.write(`flux: ${ir.program} running under ${args.runtime} (pid ${process.pid})\n`);
  } catch (error) {
    return fatal(error);
  }

  if (opts.handleSignals !== false) {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`flux: second ${signal}, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      void stopAndExit(server, args.stopDeadlineMs, args.statsOut);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return { server, args, exit: (code = 0) => stopAndExit(server, args.stopDeadlineMs, args.statsOut, code) };
}

async function stopAndExit(server: FluxServer, deadlineMs: number, statsOut: string | undefined, exitCode = 0): Promise<never> {
  let code = exitCode;
  try {
    await server.stop({ deadlineMs });
    if (statsOut !== undefined) await writeFile(statsOut, `${JSON.stringify(await server.stats(), null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`flux: error while stopping: ${messageOf(error)}\n`);
    code = 1;
  }
  process.exit(code);
}

function fatal(error: unknown): never {
  const code = error instanceof FluxError ? `${error.code}: ` : '';
  process.stderr.write(`flux: ${code}${messageOf(error)}\n`);
  if (!(error instanceof FluxError) && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

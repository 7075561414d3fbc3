/**
 * Every child process the harness starts is registered here, so that none outlives it: on normal exit, on an
 * uncaught error, and on Ctrl-C (SIGINT) or SIGTERM. Children run in their own process group (detached), so a
 * signal to the group also reaches what they started (nginx's workers).
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();
let installed = false;
let interrupted = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** Kills every registered child at once (synchronous: safe in an 'exit' handler). */
export function killAllChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of live) signalGroup(child, signal);
}

export function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  signalGroup(child, signal);
}

/** Registers a child (spawned with `detached: true`); it leaves the registry when it exits. */
export function trackChild(child: ChildProcess): void {
  installHandlers();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Registers an async cleanup (stop a target gracefully, remove a temp folder) run on Ctrl-C. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  installHandlers();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function liveChildCount(): number {
  return live.size;
}

async function interrupt(signal: NodeJS.Signals): Promise<void> {
  if (interrupted) {
    // A second Ctrl-C: stop waiting for graceful shutdowns.
    killAllChildren('SIGKILL');
    process.exit(130);
  }
  interrupted = true;
  process.stderr.write(`\nbench: ${signal}, stopping targets...\n`);
  const graceful = Promise.allSettled([...cleanups].map((cleanup) => cleanup()));
  await Promise.race([graceful, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  killAllChildren('SIGKILL');
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAllChildren('SIGKILL'));
  process.on('SIGINT', () => void interrupt('SIGINT'));
  process.on('SIGTERM', () => void interrupt('SIGTERM'));
  process.on('SIGHUP', () => void interrupt('SIGHUP'));
}

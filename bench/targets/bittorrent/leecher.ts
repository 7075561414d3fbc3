/**
 * One leecher of a `bench bittorrent` run, in a process of its own under a bash that reports its CPU time: when it
 * started, when it was ready (the line with its `127.0.0.1:<port>`) and the CPU it had used by then (start-up:
 * loading, compiling, reading the torrent), when it had everything (its done line, else its exit with
 * --exit-on-complete), and the CPU seconds it used in all (user + system, every thread, from bash's `times` once
 * it has exited: the process is gone by then, so /proc cannot tell).
 */

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpuSecondsOf } from './proc-stat.ts';
import { signalChild, trackChild } from '../../src/process/children.ts';

export interface LeecherSpec {
  readonly command: string;
  readonly args: readonly string[];
  /** A line saying every piece is verified; without one, a clean exit means complete. */
  readonly doneLine?: RegExp;
  /** Fail when the done line never came (else the exit time stands in, and `doneLineSeen` says so). */
  readonly requireDoneLine?: boolean;
  readonly signal: AbortSignal;
}

export interface LeecherTiming {
  /** performance.now() values, milliseconds. */
  readonly startedAt: number;
  readonly readyAt: number | undefined;
  readonly doneAt: number;
  readonly doneLineSeen: boolean;
  /** CPU seconds used by the time it was ready (undefined if it never said so). */
  readonly cpuAtReady: number | undefined;
  readonly cpuSeconds: number;
}

/** The one child of the wrapping bash: the leecher itself. */
function leecherPid(bashPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${bashPid}/task/${bashPid}/children`, 'utf8').trim().split(/\s+/);
    return children[0] ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

const READY = /127\.0\.0\.1:(\d+)/;
const CPU_MARK = '@@leecher-cpu';
// bash's `times`: the shell's own user/system, then its children's: `0m1.234s 0m0.056s`.
const TIMES_LINE = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g;

export function runLeecher(spec: LeecherSpec): Promise<LeecherTiming> {
  return new Promise((resolve, reject) => {
    const script = `"$@"; rc=$?; echo ${CPU_MARK}; times; exit $rc`;
    const startedAt = performance.now();
    const child = spawn('bash', ['-c', script, 'leecher', spec.command, ...spec.args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let readyAt: number | undefined;
    let cpuAtReady: number | undefined;
    let doneAt: number | undefined;
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    const look = (text: string): void => {
      if (readyAt === undefined) {
        const match = READY.exec(text);
        if (match !== null && Number(match[1]) > 0) {
          readyAt = performance.now();
          const pid = child.pid === undefined ? undefined : leecherPid(child.pid);
          try {
            cpuAtReady = pid === undefined ? undefined : cpuSecondsOf(pid);
          } catch {
            cpuAtReady = undefined;
          }
        }
      }
      if (doneAt === undefined && spec.doneLine !== undefined && !text.includes(CPU_MARK) && spec.doneLine.test(text)) doneAt = performance.now();
    };
    child.stdout!.on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-16384);
      look(stdout);
    });
    child.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
      look(stderr);
    });
    const onAbort = (): void => signalChild(child, 'SIGKILL');
    spec.signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => reject(new Error(`cannot start bash for ${spec.command}: ${error.message}`)));
    child.once('close', (code) => {
      spec.signal.removeEventListener('abort', onAbort);
      const exitedAt = performance.now();
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
      if (spec.signal.aborted) {
        reject(new Error('aborted'));
        return;
      }
      if (code !== 0) {
        reject(new Error(`leecher ${spec.command} ${spec.args.join(' ')} exited ${code}:\n${tail}`));
        return;
      }
      const times = [...stdout.slice(stdout.lastIndexOf(CPU_MARK)).matchAll(TIMES_LINE)];
      if (!stdout.includes(CPU_MARK) || times.length < 2) {
        reject(new Error(`no CPU times from the leecher's shell:\n${tail}`));
        return;
      }
      const children = times[1];
      const cpuSeconds = Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]);
      if (spec.requireDoneLine === true && doneAt === undefined) {
        reject(new Error(`the leecher exited without saying done:\n${tail}`));
        return;
      }
      resolve({ startedAt, readyAt, doneAt: doneAt ?? exitedAt, doneLineSeen: doneAt !== undefined, cpuAtReady, cpuSeconds });
    });
  });
}

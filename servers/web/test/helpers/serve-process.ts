/** `serve.ts` as a process of its own (tests and benches that need its pid: memory, descriptors, signals). */

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVE = fileURLToPath(new URL('../../serve.ts', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** What it printed so far (stdout and stderr), for failure messages. */
  readonly output: () => string;
}

/** Starts `serve` (default this server's serve.ts) with `args`; resolves once it prints its URL. */
export async function launchServe(args: readonly string[], serve: string = SERVE): Promise<ServeProcess> {
  const child = spawn(process.execPath, [serve, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited early:\n${output}`));
    });
  });
  return { child, port, output: () => output };
}

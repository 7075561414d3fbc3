/**
 * `pnpm flux <command>`: `check`, `build` and `graph` belong to the compiler; `profile` and `simulate` read
 * what a running server measured, so they live in @flux/analysis (which depends on both compiler and runtime).
 */

import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';

const ANALYSIS_COMMANDS = new Set(['profile', 'simulate']);
const command = process.argv[2];
const cli = ANALYSIS_COMMANDS.has(command ?? '')
  ? '../packages/analysis/src/cli/main.ts'
  : '../packages/compiler/src/cli/main.ts';
const { runCli } = (await import(pathToFileURL(fileURLToPath(new URL(cli, import.meta.url))).href)) as {
  runCli(argv: readonly string[], io: { cwd: string; stdout(text: string): void; stderr(text: string): void }): Promise<number>;
};
process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

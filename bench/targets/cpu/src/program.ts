/** The CPU server's Flux program and implementation module (serve.ts, tests, the benchmark profile). */

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, formatDiagnostics } from '@flux/compiler';
import type { ProgramIR } from '@flux/compiler';

export const PROGRAM_FILE = fileURLToPath(new URL('../cpu.flux', import.meta.url));
export const TYPES_FILE = fileURLToPath(new URL('./cpu.flux.ts', import.meta.url));
export const IMPLEMENTATION = new URL('./cpu.ts', import.meta.url);

/** Compiles cpu.flux: the IR the runtimes run, and the types module src/cpu.flux.ts must equal. */
export function compileProgram(): { readonly ir: ProgramIR; readonly typesModule: string } {
  const result = compile(readFileSync(PROGRAM_FILE, 'utf8'), PROGRAM_FILE, { outDir: dirname(TYPES_FILE) });
  if (result.ir === undefined || result.typesModule === undefined) {
    throw new Error(`cpu.flux does not compile:\n${formatDiagnostics(result.diagnostics, result.source)}`);
  }
  return { ir: result.ir, typesModule: result.typesModule };
}

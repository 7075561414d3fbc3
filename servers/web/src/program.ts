/** The Flux program of this server and its implementation module, compiled at launch (serve.ts, tests, benchmark). */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { compile, formatDiagnostics } from '@flux/compiler';
import type { ProgramIR } from '@flux/compiler';

export const PROGRAM_FILE = fileURLToPath(new URL('../web.flux', import.meta.url));
export const TYPES_FILE = fileURLToPath(new URL('./web.flux.ts', import.meta.url));
export const IMPLEMENTATION = new URL('./web.ts', import.meta.url);

export class ProgramError extends Error {
  readonly code = 'WEB_ERR_PROGRAM';
  override readonly name = 'ProgramError';
}

/** Compiles web.flux: the IR the runtimes run, and the types module src/web.flux.ts must equal. */
export function compileProgram(): { readonly ir: ProgramIR; readonly typesModule: string } {
  const result = compile(readFileSync(PROGRAM_FILE, 'utf8'), PROGRAM_FILE, { outDir: dirname(TYPES_FILE) });
  if (result.ir === undefined || result.typesModule === undefined) {
    throw new ProgramError(`web.flux does not compile:\n${formatDiagnostics(result.diagnostics, result.source)}`);
  }
  return { ir: result.ir, typesModule: result.typesModule };
}

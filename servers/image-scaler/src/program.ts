/** The Flux program of this server, compiled at launch (serve.ts, tests, benchmark). */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { compile, formatDiagnostics } from '@flux/compiler';
import type { ProgramIR } from '@flux/compiler';

export const PROGRAM_FILE = fileURLToPath(new URL('./image-scaler.flux', import.meta.url));
export const GENERATED_TYPES = fileURLToPath(new URL('./image-scaler.flux.ts', import.meta.url));
export const IMPLEMENTATION = new URL('./index.ts', import.meta.url);

export class ProgramError extends Error {
  readonly code = 'SCALER_ERR_PROGRAM';
  override readonly name = 'ProgramError';
}

export function compileProgram(): { readonly ir: ProgramIR; readonly typesModule: string } {
  const result = compile(readFileSync(PROGRAM_FILE, 'utf8'), PROGRAM_FILE, { outDir: dirname(GENERATED_TYPES) });
  if (result.ir === undefined || result.typesModule === undefined) {
    throw new ProgramError(`image-scaler.flux does not compile:\n${formatDiagnostics(result.diagnostics, result.source)}`);
  }
  return { ir: result.ir, typesModule: result.typesModule };
}

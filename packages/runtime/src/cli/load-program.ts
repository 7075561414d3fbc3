import { readFile } from 'node:fs/promises';
import type { ProgramIR } from '@flux/compiler/ir.ts';
import { codes, FluxError } from '../errors.ts';

/** A `.flux` file compiled with @flux/compiler, or an already compiled `.ir.json`. */
export async function loadProgram(file: string): Promise<ProgramIR> {
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text) as ProgramIR;
  const { compile, formatDiagnostics } = await import('@flux/compiler');
  const result = compile(text, file);
  if (result.diagnostics.length > 0) {
    const printed = formatDiagnostics(result.diagnostics, result.source);
    if (result.ir === undefined) throw new FluxError(codes.BAD_ARGUMENT, `${file} does not compile:\n${printed}`);
    process.stderr.write(`${printed}\n`);
  }
  return result.ir!;
}

/**
 * The compiler's public API. Servers call `compile` at launch; tools use the stages separately.
 */
import { check, type CheckResult } from './check/index.ts';
import { lowerToIR, programNameOf } from './codegen/ir.ts';
import { generateTypesModule } from './codegen/types.ts';
import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.ts';
import type { ProgramIR } from './ir.ts';
import { parse as parseSource } from './language/parser.ts';
import { createSource, type Source } from './language/source.ts';

export type { ProgramIR } from './ir.ts';
export type { Diagnostic, RelatedInformation } from './diagnostics/diagnostic.ts';
export type { CheckResult } from './check/index.ts';
export type { Document } from './language/ast.ts';
export { Diagnostics, codeText } from './diagnostics/messages.ts';
export { formatDiagnostics, formatDiagnosticsJson } from './diagnostics/format.ts';
export { print } from './language/printer.ts';
export { createSource } from './language/source.ts';
export { generateTypesModule } from './codegen/types.ts';
export { lowerToIR, programNameOf } from './codegen/ir.ts';
export { hasErrors } from './diagnostics/diagnostic.ts';

export const parse = parseSource;

export interface CompileOptions {
  /** Directory the types module will be written to (re-bases the program's relative type imports). */
  readonly outDir?: string;
}

export interface CompileResult {
  /** Present when the program has no errors. */
  readonly ir?: ProgramIR;
  /** The generated `<name>.flux.ts` text; present when the program has no errors. */
  readonly typesModule?: string;
  /** Every problem found, in the order found: syntax, then the checker's passes. */
  readonly diagnostics: Diagnostic[];
  readonly source: Source;
  readonly checked?: CheckResult;
}

/** Parses and checks a program; when it has no errors, lowers it to IR and generates its types module. */
export function compile(sourceText: string, fileName: string, options: CompileOptions = {}): CompileResult {
  const source = createSource(sourceText, fileName);
  const parsed = parseSource(source);
  const checked = check(parsed.document, source);
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics, source, checked };
  const ir = lowerToIR(checked, programNameOf(fileName));
  const typesModule = generateTypesModule(checked, { fileName, outDir: options.outDir });
  return { ir, typesModule, diagnostics, source, checked };
}

/** Parses and checks a program text without generating anything. */
export function checkProgram(sourceText: string, fileName: string): { readonly diagnostics: Diagnostic[]; readonly checked: CheckResult } {
  const source = createSource(sourceText, fileName);
  const parsed = parseSource(source);
  const checked = check(parsed.document, source);
  return { diagnostics: [...parsed.diagnostics, ...checked.diagnostics], checked };
}

export { check };

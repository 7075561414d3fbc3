import { DiagnosticBag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Document } from '../language/ast.ts';
import { createSource, type Source } from '../language/source.ts';
import { analyzeLocks, type LockAnalysis } from '../locks/index.ts';
import { bindProgram } from './bind.ts';
import { checkCycles } from './cycles.ts';
import { checkFlows } from './flows.ts';
import { checkHandlers } from './handlers.ts';
import type { CheckContext, ProgramModel } from './model.ts';
import { checkNames } from './names.ts';
import { checkPatterns } from './patterns.ts';
import { inferSignatures } from './signatures.ts';
import { checkSources } from './sources.ts';
import { checkUnused } from './unused.ts';

export interface CheckResult {
  readonly model: ProgramModel;
  readonly locks: LockAnalysis;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Runs every check on a parsed program, collecting all problems. The passes run in a fixed order, each
 * reading what the earlier ones learnt: names, cycles, signatures, flows, patterns, sources, handlers,
 * unused declarations, then locks.
 */
export function check(document: Document, source: Source | string): CheckResult {
  const src = typeof source === 'string' ? createSource(source) : source;
  const bag = new DiagnosticBag(src);
  const model = bindProgram(document, src, bag);
  const context: CheckContext = { model, bag };
  checkNames(context);
  const onCycle = checkCycles(context);
  inferSignatures(context, onCycle);
  checkFlows(context);
  checkPatterns(context);
  checkSources(context);
  checkHandlers(context);
  checkUnused(context);
  const locks = analyzeLocks(context, onCycle);
  return { model, locks, diagnostics: bag.items };
}

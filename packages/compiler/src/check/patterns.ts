import { Diagnostics } from '../diagnostics/messages.ts';
import type { CheckContext } from './model.ts';

/**
 * Dispatch patterns: one element per input; a predicate tests the input at its position, so it (and its
 * function) must always see the same type, which is recorded for code generation. A case after an
 * all-wildcard case can never run.
 */
export function checkPatterns({ model, bag }: CheckContext): void {
  // Where each predicate function's type was first fixed, to report a conflict across predicate names.
  const functionTypes = new Map<string, { readonly type: string; readonly predicate: string }>();

  for (const node of model.nodes.values()) {
    let defaultSeen = false;
    for (const flow of node.flows) {
      if (defaultSeen) bag.report(Diagnostics.UnreachableCase, flow.node.loc, [node.name]);
      const pattern = flow.pattern;
      if (pattern === null || pattern.every((element) => element.kind === 'WildcardPattern')) defaultSeen = true;
      if (pattern === null) continue;
      const inputs = node.signature?.inputs;
      if (inputs === undefined) continue;
      if (inputs.length === 0) {
        bag.report(Diagnostics.UnreachableDispatchNode, flow.node.loc, [node.name]);
        continue;
      }
      if (pattern.length !== inputs.length) {
        const first = pattern[0];
        const last = pattern[pattern.length - 1];
        bag.report(Diagnostics.PatternArity, { start: first.loc.start, end: last.loc.end }, [node.name, pattern.length, inputs.length]);
        continue;
      }
      pattern.forEach((element, position) => {
        if (element.kind !== 'PredicatePattern') return;
        const predicate = model.predicates.get(element.predicate.value);
        if (predicate === undefined) return;
        const type = inputs[position].type;
        if (predicate.type === null) predicate.type = type;
        else if (predicate.type !== type) {
          bag.report(Diagnostics.PredicateTypeConflict, element.predicate.loc, [predicate.name, type, predicate.type]);
          return;
        }
        const fnType = functionTypes.get(predicate.fn);
        if (fnType === undefined) functionTypes.set(predicate.fn, { type, predicate: predicate.name });
        else if (fnType.type !== type) {
          bag.report(Diagnostics.PredicateFunctionTypeConflict, element.predicate.loc, [predicate.fn, type, fnType.type, fnType.predicate]);
        }
      });
    }
  }
  for (const predicate of model.predicates.values()) {
    if (!predicate.used) bag.report(Diagnostics.UnusedPredicate, predicate.declaration.predicate.loc, [predicate.name]);
  }
}

import { Diagnostics } from '../diagnostics/messages.ts';
import type { Name } from '../language/ast.ts';
import type { CheckContext } from './model.ts';

/** Reports references to nodes and predicates that nothing defines. */
export function checkNames({ model, bag }: CheckContext): void {
  const requireNode = (name: Name): void => {
    if (!model.nodes.has(name.value)) bag.report(Diagnostics.UnknownNode, name.loc, [name.value]);
  };
  for (const node of model.nodes.values()) {
    for (const flow of node.flows) {
      flow.chain.forEach(requireNode);
      for (const element of flow.pattern ?? []) {
        if (element.kind !== 'PredicatePattern') continue;
        const predicate = model.predicates.get(element.predicate.value);
        if (predicate === undefined) bag.report(Diagnostics.UnknownPredicate, element.predicate.loc, [element.predicate.value]);
        else predicate.used = true;
      }
    }
  }
  for (const source of model.sources) {
    requireNode(source.node);
    requireNode(source.target);
  }
}

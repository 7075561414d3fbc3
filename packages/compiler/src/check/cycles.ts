import { Diagnostics } from '../diagnostics/messages.ts';
import type { Name } from '../language/ast.ts';
import type { CheckContext, ProgramModel } from './model.ts';

/**
 * Flows must form an acyclic graph (loops live inside node code or in sources). Reports each cycle once,
 * named in the order it is followed, e.g. `A -> B -> A`, at the reference that closes it. Returns the
 * names of the nodes on a cycle, which later passes skip.
 */
export function checkCycles({ model, bag }: CheckContext): Set<string> {
  const onCycle = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];

  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    for (const reference of childReferences(model, name)) {
      const child = reference.value;
      if (!model.nodes.has(child)) continue;
      const childState = state.get(child);
      if (childState === 'active') {
        const cycle = [...stack.slice(stack.indexOf(child)), child];
        cycle.forEach((n) => onCycle.add(n));
        bag.report(Diagnostics.Cycle, reference.loc, [cycle.join(' -> ')]);
      } else if (childState === undefined) {
        visit(child);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };

  for (const name of model.nodes.keys()) if (!state.has(name)) visit(name);
  return onCycle;
}

/** Each chain reference of a node's flows, in source order, each child once. */
function childReferences(model: ProgramModel, name: string): Name[] {
  const seen = new Set<string>();
  const references: Name[] = [];
  for (const flow of model.nodes.get(name)?.flows ?? []) {
    for (const reference of flow.chain) {
      if (seen.has(reference.value)) continue;
      seen.add(reference.value);
      references.push(reference);
    }
  }
  return references;
}

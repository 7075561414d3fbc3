import { Diagnostics } from '../diagnostics/messages.ts';
import { visit } from '../language/visitor.ts';
import type { CheckContext, ProgramModel } from './model.ts';

/**
 * Nodes that no source reaches never run, and imported types that no signature mentions are dead: both
 * are warnings, since they are likely mistakes.
 */
export function checkUnused({ model, bag }: CheckContext): void {
  if (model.sources.length === 0) {
    bag.report(Diagnostics.NoSource, { start: 0, end: 0 });
  } else {
    const reached = reachableNodes(model);
    for (const node of model.nodes.values()) {
      if (!reached.has(node.name)) bag.report(Diagnostics.UnusedNode, node.loc, [node.name]);
    }
  }
  const typeTexts: string[] = [];
  visit(model.document, { TypeExpression: (type) => void typeTexts.push(type.text) });
  for (const imported of model.imports) {
    const pattern = new RegExp(`(^|[^A-Za-z0-9_$.])${imported.localName.replace(/\$/g, '\\$')}($|[^A-Za-z0-9_$])`);
    if (!typeTexts.some((text) => pattern.test(text))) {
      const name = imported.specifier.alias ?? imported.specifier.name;
      bag.report(Diagnostics.UnusedImport, name.loc, [imported.localName]);
    }
  }
}

/** Names of the nodes some source reaches: source nodes, their targets, and everything in their flows. */
export function reachableNodes(model: ProgramModel): Set<string> {
  const reached = new Set<string>();
  const visit = (name: string): void => {
    if (reached.has(name) || !model.nodes.has(name)) return;
    reached.add(name);
    for (const flow of model.nodes.get(name)?.flows ?? []) flow.chain.forEach((child) => visit(child.value));
  };
  for (const source of model.sources) {
    visit(source.node.value);
    visit(source.target.value);
  }
  return reached;
}

import { Diagnostics } from '../diagnostics/messages.ts';
import { describeParams, sameTypes, type CheckContext, type NodeInfo } from './model.ts';

/**
 * A handler is called as handler(error, ...inputs of the failed node), on concrete and abstract nodes alike;
 * one handler function used for several nodes therefore needs them all to take the same input types.
 */
export function checkHandlers({ model, bag }: CheckContext): void {
  const firstUse = new Map<string, NodeInfo>();
  // In the order the handle declarations are written, so "first" means first in the text.
  const handled = [...model.nodes.values()].filter((n) => n.handler !== null).sort((a, b) => a.handler!.loc.start - b.handler!.loc.start);
  for (const node of handled) {
    const handler = node.handler;
    if (handler === null || node.signature === null) continue;
    const earlier = firstUse.get(handler.handler.value);
    if (earlier === undefined || earlier.signature === null) {
      firstUse.set(handler.handler.value, node);
      continue;
    }
    if (!sameTypes(earlier.signature.inputs, node.signature.inputs)) {
      bag.report(
        Diagnostics.HandlerTypeConflict,
        handler.handler.loc,
        [handler.handler.value, earlier.name, describeParams(earlier.signature.inputs), node.name, describeParams(node.signature.inputs)],
        earlier.handler === null ? [] : [bag.related(earlier.handler.handler.loc, `'${handler.handler.value}' first handles '${earlier.name}' here`)],
      );
    }
  }
}

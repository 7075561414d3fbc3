import { Diagnostics } from '../diagnostics/messages.ts';
import { describeParams, sameTypes, type CheckContext } from './model.ts';

/**
 * Positional typing of every flow: each node's outputs equal the next node's inputs; the first node's
 * inputs and the last node's outputs equal the abstract node's (checked here for declared signatures; for
 * inferred ones the inference pass compares the cases); an empty flow passes its inputs through, so they
 * must equal its outputs.
 */
export function checkFlows({ model, bag }: CheckContext): void {
  for (const node of model.nodes.values()) {
    for (const flow of node.flows) {
      const signature = node.signature;
      if (flow.chain.length === 0) {
        if (signature !== null && !sameTypes(signature.inputs, signature.outputs)) {
          bag.report(Diagnostics.EmptyFlowMismatch, flow.loc, [node.name, describeParams(signature.inputs), describeParams(signature.outputs)]);
        }
        continue;
      }
      const children = flow.chain.map((name) => model.nodes.get(name.value)?.signature ?? null);
      for (let i = 0; i + 1 < flow.chain.length; i++) {
        const from = children[i];
        const to = children[i + 1];
        if (from === null || to === null || sameTypes(from.outputs, to.inputs)) continue;
        bag.report(Diagnostics.ChainMismatch, flow.chain[i + 1].loc, [
          flow.chain[i].value,
          describeParams(from.outputs),
          flow.chain[i + 1].value,
          describeParams(to.inputs),
        ]);
      }
      if (signature === null || node.signatureInferred) continue;
      const first = children[0];
      const last = children[children.length - 1];
      if (first !== null && !sameTypes(first.inputs, signature.inputs)) {
        bag.report(Diagnostics.FlowInputMismatch, flow.chain[0].loc, [node.name, flow.chain[0].value, describeParams(first.inputs), describeParams(signature.inputs)]);
      }
      const lastName = flow.chain[flow.chain.length - 1];
      if (last !== null && !sameTypes(last.outputs, signature.outputs)) {
        bag.report(Diagnostics.FlowOutputMismatch, lastName.loc, [node.name, lastName.value, describeParams(last.outputs), describeParams(signature.outputs)]);
      }
    }
  }
}

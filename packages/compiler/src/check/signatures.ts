import { Diagnostics } from '../diagnostics/messages.ts';
import { describeParams, isAbstract, sameTypes, type CheckContext, type NodeInfo, type Param, type Signature } from './model.ts';

/**
 * Gives every abstract node without a declared signature one inferred from its flows: the inputs of the
 * first node of its chain and the outputs of the last. Every case must agree. Nodes on a cycle and nodes
 * whose children have unknown signatures stay unknown (their problems are reported elsewhere).
 */
export function inferSignatures({ model, bag }: CheckContext, onCycle: ReadonlySet<string>): void {
  const inProgress = new Set<string>();

  const signatureOf = (node: NodeInfo): Signature | null => {
    if (node.signature !== null || node.declaration !== null) return node.signature;
    if (!isAbstract(node) || onCycle.has(node.name) || inProgress.has(node.name)) return null;
    inProgress.add(node.name);
    node.signature = infer(node);
    node.signatureInferred = node.signature !== null;
    inProgress.delete(node.name);
    return node.signature;
  };

  const infer = (node: NodeInfo): Signature | null => {
    let inputs: readonly Param[] | null = null;
    let outputs: readonly Param[] | null = null;
    let unknownChild = false;
    for (const flow of node.flows) {
      if (flow.chain.length === 0) continue;
      const first = model.nodes.get(flow.chain[0].value);
      const last = model.nodes.get(flow.chain[flow.chain.length - 1].value);
      const firstSignature = first === undefined ? null : signatureOf(first);
      const lastSignature = last === undefined ? null : signatureOf(last);
      if (firstSignature === null || lastSignature === null) {
        unknownChild = true;
        continue;
      }
      if (inputs === null) inputs = firstSignature.inputs;
      else if (!sameTypes(inputs, firstSignature.inputs)) {
        bag.report(Diagnostics.CasesDisagree, flow.chain[0].loc, [node.name, 'inputs', describeParams(firstSignature.inputs), describeParams(inputs)]);
      }
      if (outputs === null) outputs = lastSignature.outputs;
      else if (!sameTypes(outputs, lastSignature.outputs)) {
        bag.report(Diagnostics.CasesDisagree, flow.chain[flow.chain.length - 1].loc, [
          node.name,
          'outputs',
          describeParams(lastSignature.outputs),
          describeParams(outputs),
        ]);
      }
    }
    if (inputs === null || outputs === null) {
      if (!unknownChild) bag.report(Diagnostics.CannotInferSignature, node.flows[0].node.loc, [node.name]);
      return null;
    }
    return { inputs, outputs };
  };

  for (const node of model.nodes.values()) signatureOf(node);
}

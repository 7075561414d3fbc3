import { Diagnostics } from '../diagnostics/messages.ts';
import { describeParams, sameTypes, type CheckContext, type Param } from './model.ts';

/**
 * A source node takes no inputs; each output tuple it emits starts a flow in its target, so its outputs
 * must equal the target's inputs. A session function sees those outputs, so one function used on two
 * sources needs the same output types from both.
 */
export function checkSources({ model, bag }: CheckContext): void {
  const sessionUses = new Map<string, { readonly node: string; readonly outputs: readonly Param[] }>();
  for (const source of model.sources) {
    const node = model.nodes.get(source.node.value);
    const target = model.nodes.get(source.target.value);
    const signature = node?.signature ?? null;
    if (signature === null) continue;
    if (signature.inputs.length > 0) {
      bag.report(Diagnostics.SourceHasInputs, source.node.loc, [source.node.value, describeParams(signature.inputs)]);
    }
    const targetSignature = target?.signature ?? null;
    if (targetSignature !== null && !sameTypes(signature.outputs, targetSignature.inputs)) {
      bag.report(Diagnostics.SourceTargetMismatch, source.target.loc, [
        source.node.value,
        describeParams(signature.outputs),
        source.target.value,
        describeParams(targetSignature.inputs),
      ]);
    }
    if (source.session !== null) {
      const earlier = sessionUses.get(source.session.value);
      if (earlier === undefined) sessionUses.set(source.session.value, { node: source.node.value, outputs: signature.outputs });
      else if (!sameTypes(earlier.outputs, signature.outputs)) {
        bag.report(Diagnostics.SessionTypeConflict, source.session.loc, [
          source.session.value,
          earlier.node,
          describeParams(earlier.outputs),
          source.node.value,
          describeParams(signature.outputs),
        ]);
      }
    }
  }
}

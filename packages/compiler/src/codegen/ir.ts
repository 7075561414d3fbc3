import type { CheckResult } from '../check/index.ts';
import { isAbstract, type Param } from '../check/model.ts';
import { getLocation } from '../language/location.ts';
import { IR_VERSION, type CaseIR, type NodeIR, type ParamIR, type PatternIR, type PredicateIR, type ProgramIR, type SourceIR } from '../ir.ts';

/** The program name for a file name: its base name without the extension (`web.flux` -> `web`). */
export function programNameOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Lowers a checked program (without errors) to the IR: names resolved to indices, lock sets final.
 * Nodes are numbered in the order they first appear in the program text, predicates likewise, sources in
 * declaration order, so the same text always gives the same JSON.
 */
export function lowerToIR(checked: CheckResult, programName: string): ProgramIR {
  const { model, locks } = checked;
  const nodeNames = [...model.nodes.keys()];
  const nodeId = new Map(nodeNames.map((name, index) => [name, index]));
  const predicateNames = [...model.predicates.keys()];
  const predicateId = new Map(predicateNames.map((name, index) => [name, index]));
  const position = (offset: number) => {
    const { line, column } = getLocation(model.source, offset);
    return { line, column };
  };
  const params = (list: readonly Param[] | undefined): ParamIR[] => (list ?? []).map((p) => ({ name: p.name, type: p.type }));
  const idOf = (name: string): number => {
    const id = nodeId.get(name);
    if (id === undefined) throw new Error(`lowering: unknown node '${name}' (lower only programs without errors)`);
    return id;
  };

  const nodes: NodeIR[] = nodeNames.map((name, id) => {
    const node = model.nodes.get(name)!;
    const kind = isAbstract(node) ? ('abstract' as const) : ('concrete' as const);
    const base = {
      id,
      name,
      kind,
      inputs: params(node.signature?.inputs),
      outputs: params(node.signature?.outputs),
      locks: (locks.nodeLocks.get(name) ?? []).map((use) => ({ lock: use.lock, mode: use.mode, elevated: use.elevated })),
      handler: node.handler?.handler.value ?? null,
      loc: position(node.loc.start),
    };
    if (kind === 'concrete') return { ...base, kind };
    const cases: CaseIR[] = node.flows.map((flow) => {
      const pattern: PatternIR[] | null =
        flow.pattern === null || flow.pattern.every((element) => element.kind === 'WildcardPattern')
          ? null
          : flow.pattern.map((element): PatternIR =>
              element.kind === 'WildcardPattern'
                ? { kind: 'any' }
                : { kind: 'predicate', predicate: predicateId.get(element.predicate.value) ?? -1, negate: element.negate },
            );
      return { pattern, chain: flow.chain.map((n) => idOf(n.value)), loc: position(flow.loc.start) };
    });
    return { ...base, kind, cases };
  });

  const predicates: PredicateIR[] = predicateNames.map((name) => ({ name, fn: model.predicates.get(name)!.fn }));
  const sources: SourceIR[] = model.sources.map((source) => ({
    node: idOf(source.node.value),
    target: idOf(source.target.value),
    session: source.session?.value ?? null,
  }));
  return {
    irVersion: IR_VERSION,
    program: programName,
    locks: locks.locks.map((lock) => ({ name: lock.name, scope: lock.scope })),
    nodes,
    predicates,
    sources,
  };
}

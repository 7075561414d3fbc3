import { assertNever, type AstNode } from './ast.ts';

type NodeOfKind<K extends AstNode['kind']> = Extract<AstNode, { readonly kind: K }>;

export interface EnterLeave<T extends AstNode> {
  readonly enter?: (node: T, parent: AstNode | null) => void | false;
  readonly leave?: (node: T, parent: AstNode | null) => void;
}

/**
 * Hooks for `visit`: `enter`/`leave` for every node, or per kind (`{ Name(node) {...} }` or
 * `{ FlowDeclaration: { enter, leave } }`). Returning false from an enter hook skips the node's children.
 */
export type Visitor = EnterLeave<AstNode> & {
  readonly [K in AstNode['kind']]?: ((node: NodeOfKind<K>, parent: AstNode | null) => void | false) | EnterLeave<NodeOfKind<K>>;
};

/** The direct children of a node, in source order. */
export function childrenOf(node: AstNode): readonly AstNode[] {
  switch (node.kind) {
    case 'Document':
      return node.declarations;
    case 'ImportTypeDeclaration':
      return [...node.specifiers, node.from];
    case 'ImportSpecifier':
      return node.alias === null ? [node.name] : [node.name, node.alias];
    case 'NodeDeclaration':
      return [node.name, ...node.inputs, ...node.outputs];
    case 'Parameter':
      return [node.name, node.type];
    case 'SourceDeclaration':
      return node.session === null ? [node.node, node.target] : [node.node, node.session, node.target];
    case 'TypedefDeclaration':
      return [node.predicate, node.fn];
    case 'FlowDeclaration':
      return [node.node, ...(node.pattern ?? []), ...node.chain];
    case 'PredicatePattern':
      return [node.predicate];
    case 'AtomicDeclaration':
      return [node.node, ...node.locks];
    case 'LockSpec':
      return [node.name];
    case 'HandlerDeclaration':
      return [node.node, node.handler];
    case 'Name':
    case 'StringLiteral':
    case 'TypeExpression':
    case 'WildcardPattern':
      return [];
    default:
      return assertNever(node);
  }
}

/** Depth-first walk of the tree from `root`, calling the visitor's hooks on the way in and out. */
export function visit(root: AstNode, visitor: Visitor): void {
  const walk = (node: AstNode, parent: AstNode | null): void => {
    const specific = visitor[node.kind] as ((n: AstNode, p: AstNode | null) => void | false) | EnterLeave<AstNode> | undefined;
    const enterSpecific = typeof specific === 'function' ? specific : specific?.enter;
    const leaveSpecific = typeof specific === 'function' ? undefined : specific?.leave;
    if (visitor.enter?.(node, parent) === false) return;
    if (enterSpecific?.(node, parent) === false) return;
    for (const child of childrenOf(node)) walk(child, node);
    leaveSpecific?.(node, parent);
    visitor.leave?.(node, parent);
  };
  walk(root, null);
}

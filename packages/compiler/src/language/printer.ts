import { assertNever, type AstNode, type Declaration, type Document, type LockSpec, type Parameter, type PatternElement } from './ast.ts';

/**
 * Prints a syntax tree as Flux-TS text, one declaration per line, in the tree's order. Comments are not
 * kept. parse(print(tree)) gives the same tree (apart from positions).
 */
export function print(node: AstNode): string {
  switch (node.kind) {
    case 'Document':
      return printDocument(node);
    case 'Name':
    case 'ImportSpecifier':
    case 'StringLiteral':
    case 'TypeExpression':
    case 'Parameter':
    case 'WildcardPattern':
    case 'PredicatePattern':
    case 'LockSpec':
      return printPart(node);
    default:
      return printDeclaration(node);
  }
}

function printDocument(document: Document): string {
  return document.declarations.map((d) => printDeclaration(d) + '\n').join('');
}

function printParameters(parameters: readonly Parameter[]): string {
  return `(${parameters.map(printPart).join(', ')})`;
}

function printPart(node: Exclude<AstNode, Document | Declaration>): string {
  switch (node.kind) {
    case 'Name':
      return node.value;
    case 'StringLiteral':
      return JSON.stringify(node.value);
    case 'TypeExpression':
      return node.text;
    case 'Parameter':
      return `${node.name.value}: ${node.type.text}`;
    case 'ImportSpecifier':
      return node.alias === null ? node.name.value : `${node.name.value} as ${node.alias.value}`;
    case 'WildcardPattern':
      return node.token;
    case 'PredicatePattern':
      return `${node.negate ? '!' : ''}${node.predicate.value}`;
    case 'LockSpec':
      return printLock(node);
    default:
      return assertNever(node);
  }
}

function printLock(lock: LockSpec): string {
  return `${lock.name.value}${lock.marker ?? ''}${lock.scope === null ? '' : `(${lock.scope})`}`;
}

function printPattern(pattern: readonly PatternElement[]): string {
  return `[${pattern.map(printPart).join(', ')}]`;
}

function printDeclaration(declaration: Declaration): string {
  switch (declaration.kind) {
    case 'ImportTypeDeclaration':
      return `import type { ${declaration.specifiers.map(printPart).join(', ')} } from ${JSON.stringify(declaration.from.value)};`;
    case 'NodeDeclaration':
      return `${declaration.name.value} ${printParameters(declaration.inputs)} => ${printParameters(declaration.outputs)};`;
    case 'SourceDeclaration':
      return `source ${declaration.node.value}${declaration.session === null ? '' : ` {session: ${declaration.session.value}}`} => ${declaration.target.value};`;
    case 'TypedefDeclaration':
      return `typedef ${declaration.predicate.value} ${declaration.fn.value};`;
    case 'FlowDeclaration': {
      const head = declaration.pattern === null ? declaration.node.value : `${declaration.node.value}:${printPattern(declaration.pattern)}`;
      return declaration.chain.length === 0 ? `${head} = ;` : `${head} = ${declaration.chain.map((n) => n.value).join(' -> ')};`;
    }
    case 'AtomicDeclaration':
      return `${declaration.keyword} ${declaration.node.value}:{${declaration.locks.map(printLock).join(', ')}};`;
    case 'HandlerDeclaration':
      return `handle error ${declaration.node.value} => ${declaration.handler.value};`;
    default:
      return assertNever(declaration);
  }
}

import type { DiagnosticBag } from '../diagnostics/diagnostic.ts';
import { Diagnostics } from '../diagnostics/messages.ts';
import { assertNever, type Document, type Name } from '../language/ast.ts';
import type { Source } from '../language/source.ts';
import { paramsFromDeclaration, type NodeInfo, type ProgramModel } from './model.ts';

/**
 * Groups the declarations by name into a ProgramModel, in any declaration order, reporting duplicates.
 * References to names that are never defined are left for the names pass.
 */
export function bindProgram(document: Document, source: Source, bag: DiagnosticBag): ProgramModel {
  const model: ProgramModel = {
    source,
    document,
    nodes: new Map(),
    predicates: new Map(),
    sources: [],
    imports: [],
    importDeclarations: [],
  };

  const nodeFor = (name: Name): NodeInfo => {
    let node = model.nodes.get(name.value);
    if (node === undefined) {
      node = { name: name.value, declaration: null, flows: [], atomics: [], handler: null, signature: null, signatureInferred: false, loc: name.loc };
      model.nodes.set(name.value, node);
    }
    return node;
  };

  // Nodes exist where they are declared or given a flow; atomic and handle declarations only refer to them.
  for (const declaration of document.declarations) {
    if (declaration.kind === 'NodeDeclaration') {
      const node = nodeFor(declaration.name);
      if (node.declaration !== null) {
        bag.report(Diagnostics.DuplicateNode, declaration.name.loc, [declaration.name.value], [
          bag.related(node.declaration.name.loc, `'${declaration.name.value}' is first declared here`),
        ]);
        continue;
      }
      node.declaration = declaration;
      node.loc = declaration.name.loc;
      node.signature = { inputs: paramsFromDeclaration(declaration.inputs), outputs: paramsFromDeclaration(declaration.outputs) };
    } else if (declaration.kind === 'FlowDeclaration') {
      nodeFor(declaration.node).flows.push(declaration);
    }
  }

  const seenImports = new Map<string, Name>();
  const seenSources = new Map<string, Name>();
  for (const declaration of document.declarations) {
    switch (declaration.kind) {
      case 'NodeDeclaration':
      case 'FlowDeclaration':
        break;
      case 'ImportTypeDeclaration':
        model.importDeclarations.push(declaration);
        for (const specifier of declaration.specifiers) {
          const local = specifier.alias ?? specifier.name;
          const first = seenImports.get(local.value);
          if (first !== undefined) {
            bag.report(Diagnostics.DuplicateImport, local.loc, [local.value], [bag.related(first.loc, `'${local.value}' is first imported here`)]);
            continue;
          }
          seenImports.set(local.value, local);
          model.imports.push({ localName: local.value, specifier, declaration });
        }
        break;
      case 'SourceDeclaration': {
        const first = seenSources.get(declaration.node.value);
        if (first !== undefined) {
          bag.report(Diagnostics.DuplicateSource, declaration.node.loc, [declaration.node.value], [
            bag.related(first.loc, `'${declaration.node.value}' is first declared as a source here`),
          ]);
          break;
        }
        seenSources.set(declaration.node.value, declaration.node);
        model.sources.push(declaration);
        break;
      }
      case 'TypedefDeclaration': {
        const first = model.predicates.get(declaration.predicate.value);
        if (first !== undefined) {
          bag.report(Diagnostics.DuplicatePredicate, declaration.predicate.loc, [declaration.predicate.value], [
            bag.related(first.declaration.predicate.loc, `'${declaration.predicate.value}' is first defined here`),
          ]);
          break;
        }
        model.predicates.set(declaration.predicate.value, {
          name: declaration.predicate.value,
          fn: declaration.fn.value,
          declaration,
          type: null,
          used: false,
        });
        break;
      }
      case 'AtomicDeclaration': {
        const node = model.nodes.get(declaration.node.value);
        if (node === undefined) bag.report(Diagnostics.UnknownNode, declaration.node.loc, [declaration.node.value]);
        else node.atomics.push(declaration);
        break;
      }
      case 'HandlerDeclaration': {
        const node = model.nodes.get(declaration.node.value);
        if (node === undefined) {
          bag.report(Diagnostics.UnknownNode, declaration.node.loc, [declaration.node.value]);
        } else if (node.handler !== null) {
          bag.report(Diagnostics.DuplicateHandler, declaration.node.loc, [declaration.node.value], [
            bag.related(node.handler.loc, `the first handler of '${declaration.node.value}' is declared here`),
          ]);
        } else {
          node.handler = declaration;
        }
        break;
      }
      default:
        assertNever(declaration);
    }
  }
  return model;
}

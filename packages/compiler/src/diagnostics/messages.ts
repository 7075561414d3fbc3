/**
 * Every diagnostic the compiler can report, as data: a stable code, a category and a message template
 * (`{0}`, `{1}`... are filled in from arguments). Codes: 1xxx syntax, 2xxx names and types,
 * 3xxx locks and deadlock, 4xxx warnings. docs/language.md documents each one; a test keeps the two in step.
 */

export type DiagnosticCategory = 'error' | 'warning' | 'note';

export interface DiagnosticMessage {
  readonly code: number;
  readonly category: DiagnosticCategory;
  readonly message: string;
}

function message(code: number, category: DiagnosticCategory, text: string): DiagnosticMessage {
  return { code, category, message: text };
}

export const Diagnostics = {
  // 1xxx: syntax
  UnexpectedCharacter: message(1001, 'error', "unexpected character '{0}'"),
  UnterminatedString: message(1002, 'error', 'unterminated string literal'),
  UnterminatedComment: message(1003, 'error', "unterminated comment: '/*' has no matching '*/'"),
  Expected: message(1004, 'error', 'expected {0}, found {1}'),
  ExpectedDeclaration: message(1005, 'error', 'expected a declaration, found {0}'),
  ExpectedType: message(1006, 'error', "expected a type after ':'"),
  UnclosedBracketInType: message(1007, 'error', "'{0}' in a type is never closed"),
  MismatchedBracketInType: message(1008, 'error', "'{0}' in a type does not close '{1}'"),
  UnknownLockScope: message(1009, 'error', "unknown lock scope '{0}': expected 'program' or 'session'"),
  UnknownSourceOption: message(1010, 'error', "unknown source option '{0}': expected 'session'"),
  ParameterNeedsName: message(
    1011,
    'error',
    "expected ':' after parameter name '{0}': Flux-TS writes parameters as 'name: Type'",
  ),
  EmptyPattern: message(1012, 'error', 'a dispatch pattern needs at least one element'),
  ReservedNodeName: message(1013, 'error', "'{0}' is a keyword and cannot name a node"),

  // 2xxx: names and types
  DuplicateNode: message(2001, 'error', "node '{0}' is declared more than once"),
  UnknownNode: message(2002, 'error', "unknown node '{0}'"),
  UnknownPredicate: message(2003, 'error', "unknown predicate '{0}'"),
  DuplicatePredicate: message(2004, 'error', "predicate '{0}' is defined more than once"),
  DuplicateImport: message(2005, 'error', "type '{0}' is imported more than once"),
  ChainMismatch: message(2010, 'error', "'{0}' outputs ({1}) but the next node '{2}' expects ({3})"),
  FlowInputMismatch: message(2011, 'error', "flow of '{0}' starts with '{1}', which expects ({2}), but '{0}' takes ({3})"),
  FlowOutputMismatch: message(2012, 'error', "flow of '{0}' ends with '{1}', which outputs ({2}), but '{0}' outputs ({3})"),
  EmptyFlowMismatch: message(2013, 'error', "empty flow of '{0}' passes its inputs through, but its inputs ({1}) differ from its outputs ({2})"),
  CasesDisagree: message(2014, 'error', "cases of '{0}' disagree on its {1}: ({2}) here, ({3}) in an earlier case"),
  CannotInferSignature: message(2015, 'error', "cannot infer the signature of '{0}': every case is empty; declare it like a concrete node"),
  PatternArity: message(2016, 'error', "pattern of '{0}' has {1} element(s) but '{0}' takes {2} input(s)"),
  PredicateTypeConflict: message(2017, 'error', "predicate '{0}' tests a value of type '{1}' here but '{2}' at another position"),
  PredicateFunctionTypeConflict: message(2018, 'error', "predicate function '{0}' tests a value of type '{1}' here but '{2}' through predicate '{3}'"),
  UnreachableDispatchNode: message(2019, 'error', "'{0}' has dispatch cases but takes no inputs to test"),
  SourceHasInputs: message(2020, 'error', "source node '{0}' takes inputs ({1}); a source node takes none"),
  SourceTargetMismatch: message(2021, 'error', "source '{0}' outputs ({1}) but its target '{2}' expects ({3})"),
  DuplicateSource: message(2022, 'error', "'{0}' is declared as a source more than once"),
  HandlerTypeConflict: message(2023, 'error', "handler '{0}' handles '{1}', which takes ({2}), and '{3}', which takes ({4}); one handler needs one input type"),
  DuplicateHandler: message(2024, 'error', "node '{0}' has more than one error handler"),
  Cycle: message(2025, 'error', 'flows form a cycle: {0}'),
  SessionTypeConflict: message(2026, 'error', "session function '{0}' is used on '{1}', which outputs ({2}), and on '{3}', which outputs ({4})"),

  // 3xxx: locks and deadlock
  ElevateInto: message(3001, 'note', "elevating lock '{0}' to '{1}' (needed by '{2}' inside '{1}' out of canonical order)"),
  ElevateBefore: message(3002, 'note', "elevating lock '{0}' to '{1}' (needed by '{2}' after '{1}' inside atomic '{3}' out of canonical order)"),
  ElevateToWriter: message(3003, 'note', "elevating lock '{0}' in '{1}' from reader to writer (written by '{2}' inside '{1}')"),
  LockScopeConflict: message(3004, 'error', "lock '{0}' is used with both program and session scope"),
  DuplicateLock: message(3005, 'error', "lock '{0}' is listed more than once for '{1}'"),
  SessionLockWithoutSession: message(3006, 'error', "'{0}' takes session lock '{1}' but source '{2}', which reaches it, has no session function"),

  // 4xxx: warnings
  UnusedNode: message(4001, 'warning', "node '{0}' is never used: no source reaches it"),
  UnusedPredicate: message(4002, 'warning', "predicate '{0}' is never used in a pattern"),
  UnreachableCase: message(4003, 'warning', "this case of '{0}' is never tried: an earlier case matches every input"),
  NoSource: message(4004, 'warning', 'the program has no source, so nothing will ever run'),
  UnusedImport: message(4005, 'warning', "imported type '{0}' is never used"),
} as const satisfies Record<string, DiagnosticMessage>;

export type DiagnosticKey = keyof typeof Diagnostics;

export function formatMessageText(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)] ?? ''));
}

export function codeText(code: number): string {
  return `FLUX${code}`;
}

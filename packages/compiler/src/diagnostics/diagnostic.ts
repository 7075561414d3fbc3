import { getLocation, type Span } from '../language/location.ts';
import type { Source } from '../language/source.ts';
import { formatMessageText, type DiagnosticCategory, type DiagnosticMessage } from './messages.ts';

/** Extra information attached to a diagnostic ("first declared here"). */
export interface RelatedInformation {
  readonly message: string;
  readonly file?: string;
  readonly start?: number;
  readonly length?: number;
  readonly line?: number;
  readonly column?: number;
}

/** One problem found in a program. Plain data, so it serialises to JSON as it is. */
export interface Diagnostic {
  readonly category: DiagnosticCategory;
  readonly code: number;
  readonly message: string;
  readonly file: string;
  /** Offset of the span's start in the file. */
  readonly start: number;
  readonly length: number;
  /** 1-based line and column of `start`. */
  readonly line: number;
  readonly column: number;
  readonly related: readonly RelatedInformation[];
}

export function createDiagnostic(
  source: Source,
  message: DiagnosticMessage,
  span: Span,
  args: readonly (string | number)[] = [],
  related: readonly RelatedInformation[] = [],
): Diagnostic {
  const { line, column } = getLocation(source, span.start);
  return {
    category: message.category,
    code: message.code,
    message: formatMessageText(message.message, args),
    file: source.name,
    start: span.start,
    length: Math.max(0, span.end - span.start),
    line,
    column,
    related,
  };
}

export function relatedAt(source: Source, span: Span, message: string): RelatedInformation {
  const { line, column } = getLocation(source, span.start);
  return { message, file: source.name, start: span.start, length: span.end - span.start, line, column };
}

/** Collects diagnostics in the order passes report them. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  readonly source: Source;

  constructor(source: Source) {
    this.source = source;
  }

  report(message: DiagnosticMessage, span: Span, args: readonly (string | number)[] = [], related: readonly RelatedInformation[] = []): Diagnostic {
    const diagnostic = createDiagnostic(this.source, message, span, args, related);
    this.items.push(diagnostic);
    return diagnostic;
  }

  related(span: Span, message: string): RelatedInformation {
    return relatedAt(this.source, span, message);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.category === 'error');
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.category === 'error');
}

import { getLineText, getLocation } from '../language/location.ts';
import { createSource, type Source } from '../language/source.ts';
import type { Diagnostic, RelatedInformation } from './diagnostic.ts';
import { codeText } from './messages.ts';

/** The program texts diagnostics point into, by file name (a single text serves every file). */
export type SourceTexts = string | Source | ReadonlyMap<string, string | Source> | Readonly<Record<string, string>>;

function sourceFor(texts: SourceTexts, file: string): Source | undefined {
  if (typeof texts === 'string') return createSource(texts, file);
  if ('body' in texts && typeof texts.body === 'string' && 'lineStarts' in texts) return texts as Source;
  const entry = texts instanceof Map ? texts.get(file) : (texts as Readonly<Record<string, string>>)[file];
  if (entry === undefined) return undefined;
  return typeof entry === 'string' ? createSource(entry, file) : entry;
}

/**
 * The excerpt under a diagnostic, rustc-style: the source line with its number, then `^` under the span
 * (to the end of the line when the span runs on; one `^` for an empty span).
 */
function excerpt(source: Source, start: number, length: number): string[] {
  const { line, column } = getLocation(source, start);
  const text = getLineText(source, line);
  const gutter = String(line).length;
  const available = Math.max(1, text.length - (column - 1));
  const width = Math.max(1, Math.min(length, available));
  // Keep tabs under tabs so the carets line up in any terminal.
  const pad = text.slice(0, column - 1).replace(/[^\t]/g, ' ');
  return [`${String(line).padStart(gutter)} | ${text}`, `${' '.repeat(gutter)} | ${pad}${'^'.repeat(width)}`];
}

function formatRelated(related: RelatedInformation, texts: SourceTexts): string[] {
  if (related.file === undefined || related.start === undefined) return [`  = note: ${related.message}`];
  const lines = [`  = note: ${related.file}:${related.line}:${related.column}: ${related.message}`];
  const source = sourceFor(texts, related.file);
  if (source !== undefined) lines.push(...excerpt(source, related.start, related.length ?? 0).map((l) => `    ${l}`));
  return lines;
}

/** The first line of a diagnostic: `path:line:col: error FLUX1234: message`. */
export function formatHeadline(diagnostic: Diagnostic): string {
  return `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.category} ${codeText(diagnostic.code)}: ${diagnostic.message}`;
}

/** Human-readable diagnostics, each a headline, the excerpt with carets, and its related notes. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], texts: SourceTexts): string {
  return diagnostics
    .map((diagnostic) => {
      const lines = [formatHeadline(diagnostic)];
      const source = sourceFor(texts, diagnostic.file);
      if (source !== undefined) lines.push(...excerpt(source, diagnostic.start, diagnostic.length));
      for (const related of diagnostic.related) lines.push(...formatRelated(related, texts));
      return lines.join('\n') + '\n';
    })
    .join('');
}

/** Diagnostics for tools: a JSON array with 1-based positions and the code as `FLUXnnnn`. */
export function formatDiagnosticsJson(diagnostics: readonly Diagnostic[], texts?: SourceTexts): string {
  return JSON.stringify(
    diagnostics.map((d) => {
      const source = texts === undefined ? undefined : sourceFor(texts, d.file);
      const end = source === undefined ? undefined : getLocation(source, d.start + d.length);
      return {
        file: d.file,
        line: d.line,
        column: d.column,
        ...(end === undefined ? {} : { endLine: end.line, endColumn: end.column }),
        severity: d.category,
        code: codeText(d.code),
        message: d.message,
        start: d.start,
        length: d.length,
        related: d.related,
      };
    }),
    null,
    2,
  );
}

/**
 * Normalises the text of a TypeScript type expression so that types can be compared by text: comments are
 * already gone, whitespace is rewritten to one canonical spacing (`Map<string, number>`, `{ a: string }`,
 * `(x: number) => void`, `A | B`). Normalising twice gives the same text.
 */

type TypeToken = { readonly text: string; readonly word: boolean };

/** Words that act as operators in type syntax and so want a space on both sides. */
const KEYWORD_OPERATORS = new Set(['extends', 'keyof', 'typeof', 'readonly', 'infer', 'in', 'is', 'as', 'new', 'asserts', 'unique', 'abstract']);

const MULTI_CHAR = ['...', '=>', '?.'];

function tokenize(text: string): TypeToken[] {
  const tokens: TypeToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[A-Za-z0-9_$#]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$.]/.test(text[j]) && !(text[j] === '.' && !/[0-9]/.test(ch))) j++;
      tokens.push({ text: text.slice(i, j), word: true });
      i = j;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      tokens.push({ text: text.slice(i, j + 1), word: true });
      i = j + 1;
      continue;
    }
    const multi = MULTI_CHAR.find((m) => text.startsWith(m, i));
    if (multi !== undefined) {
      tokens.push({ text: multi, word: false });
      i += multi.length;
      continue;
    }
    tokens.push({ text: ch, word: false });
    i++;
  }
  return tokens;
}

const OPENERS = new Set(['(', '[', '<', '{']);
const CLOSERS = new Set([')', ']', '>', '}']);

export function normalizeTypeText(text: string): string {
  const tokens = tokenize(text);
  let out = '';
  // Per bracket depth: how many conditional-type `?` still wait for their `:`.
  const pendingConditionals: number[] = [0];
  let previous: TypeToken | undefined;

  const space = (): void => {
    if (out.length > 0 && !out.endsWith(' ')) out += ' ';
  };

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    const next = tokens[index + 1];
    const t = token.text;
    const prevText = previous?.text;

    if ((t === '|' || t === '&') && (previous === undefined || (prevText !== undefined && (OPENERS.has(prevText) || [',', ':', '=>', '=', '|', '&', '?'].includes(prevText))))) {
      // A leading `|` or `&` (as in `| 'a' | 'b'`) means nothing: drop it.
      continue;
    }

    if (token.word) {
      const keyword = KEYWORD_OPERATORS.has(t) && next?.text !== ':' && next?.text !== '?';
      if (previous !== undefined && (previous.word || keyword ? !OPENERS.has(prevText ?? '') || prevText === '{' : false)) {
        if (prevText !== '.' && prevText !== '...') space();
      }
      out += t;
    } else if (t === ',' || t === ';') {
      // A trailing separator before a closing bracket means nothing: drop it.
      if (next === undefined || CLOSERS.has(next.text)) continue;
      out += t;
      if (next !== undefined && !CLOSERS.has(next.text)) out += ' ';
    } else if (t === ':') {
      const pending = pendingConditionals.at(-1) ?? 0;
      if (pending > 0) {
        pendingConditionals[pendingConditionals.length - 1] = pending - 1;
        space();
        out += ': ';
      } else {
        out += ': ';
      }
    } else if (t === '?') {
      if (next !== undefined && [':', ']', ',', ')', '.'].includes(next.text)) {
        out += '?';
      } else if (next === undefined) {
        out += '?';
      } else {
        pendingConditionals[pendingConditionals.length - 1]++;
        space();
        out += '? ';
      }
    } else if (t === '=>' || t === '|' || t === '&' || t === '=') {
      space();
      out += t + ' ';
    } else if (t === '{') {
      if (previous !== undefined && !OPENERS.has(prevText ?? '') || prevText === '{') space();
      pendingConditionals.push(0);
      out += next?.text === '}' ? '{' : '{ ';
    } else if (t === '}') {
      pendingConditionals.pop();
      if (prevText !== '{') space();
      out += '}';
    } else if (OPENERS.has(t)) {
      if (t === '(' && previous !== undefined && (prevText === '=>' || prevText === '|' || prevText === '&' || prevText === ':' || prevText === ',' || prevText === '=' || prevText === '?')) space();
      if (t === '(' && previous?.word === true && KEYWORD_OPERATORS.has(prevText ?? '')) space();
      if (t === '[' && previous?.word === true && KEYWORD_OPERATORS.has(prevText ?? '')) space();
      pendingConditionals.push(0);
      out += t;
    } else if (CLOSERS.has(t)) {
      pendingConditionals.pop();
      if (out.endsWith(' ')) out = out.slice(0, -1);
      out += t;
    } else {
      out += t;
    }
    previous = token;
  }
  if (pendingConditionals.length === 0) pendingConditionals.push(0);
  return out.replace(/ +/g, ' ').trim();
}

/**
 * Validators (ETag, Last-Modified) and what a request's conditional and range headers make of a file:
 * 200, 304, 206 with one byte range, or 416. RFC 9110 sections 13 and 14, for GET and HEAD only.
 */

import type { Decision, FileStat, Request } from '../types.ts';
import { parseHttpDate } from './date.ts';

/** A strong ETag from size and modification time (microseconds, so quick successive writes differ). */
export function etagOf(stat: FileStat): string {
  return `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs * 1000).toString(16)}"`;
}

/** Formatted Last-Modified dates by second: formatting a date costs more than the rest of a cache hit's head. */
const lastModifiedBySecond = new Map<number, string>();

export function lastModifiedOf(stat: FileStat): string {
  const second = Math.floor(stat.mtimeMs / 1000);
  let text = lastModifiedBySecond.get(second);
  if (text === undefined) {
    if (lastModifiedBySecond.size >= 4096) lastModifiedBySecond.clear();
    text = new Date(second * 1000).toUTCString();
    lastModifiedBySecond.set(second, text);
  }
  return text;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/** If-None-Match: weak comparison against any listed tag, or '*'. */
export function noneMatch(header: string, etag: string): boolean {
  const value = header.trim();
  if (value === '*') return true;
  const ours = opaque(etag);
  for (const part of value.split(',')) if (opaque(part.trim()) === ours) return true;
  return false;
}

const OK: Decision = { status: 200 };
const NOT_MODIFIED: Decision = { status: 304 };
const UNSATISFIABLE: Decision = { status: 416 };

/** The single range a Range header asks for, 'unsatisfiable', or null to ignore it (bad syntax, several ranges). */
export function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** Whether If-Range lets the Range apply: a strong ETag match, or a date equal to Last-Modified. */
function ifRangeHolds(value: string, stat: FileStat): boolean {
  const v = value.trim();
  if (v.startsWith('"')) return v === etagOf(stat);
  if (v.startsWith('W/')) return false;
  const date = parseHttpDate(v);
  return !Number.isNaN(date) && Math.floor(date / 1000) === Math.floor(stat.mtimeMs / 1000);
}

export function decide(request: Request, stat: FileStat): Decision {
  const h = request.headers;
  const inm = h['if-none-match'];
  if (inm !== undefined) {
    if (noneMatch(inm, etagOf(stat))) return NOT_MODIFIED;
  } else {
    const ims = h['if-modified-since'];
    if (ims !== undefined) {
      const since = parseHttpDate(ims);
      if (!Number.isNaN(since) && Math.floor(stat.mtimeMs / 1000) <= Math.floor(since / 1000)) return NOT_MODIFIED;
    }
  }
  const range = h.range;
  if (range === undefined || request.method !== 'GET') return OK;
  const ifRange = h['if-range'];
  if (ifRange !== undefined && !ifRangeHolds(ifRange, stat)) return OK;
  const r = parseRange(range, stat.size);
  if (r === null) return OK;
  if (r === 'unsatisfiable') return UNSATISFIABLE;
  return { status: 206, start: r.start, end: r.end };
}

/** The body bytes a decision sends: [start, end) of the file. */
export function bodyRange(decision: Decision, request: Request, size: number): { start: number; end: number } {
  if (request.method === 'HEAD') return { start: 0, end: 0 };
  switch (decision.status) {
    case 200:
      return { start: 0, end: size };
    case 206:
      return { start: decision.start, end: decision.end + 1 };
    default:
      return { start: 0, end: 0 };
  }
}

/** The results history: one JSON record a line, appended, committed with the code it measured. */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BenchError, benchCodes } from '../errors.ts';
import { assertRecord, type AnyRecord } from './record.ts';

export async function appendRecord(file: string, record: AnyRecord): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify(record) + '\n');
}

export interface History {
  readonly records: readonly AnyRecord[];
  /** Lines that did not parse as records, with why (reported, not fatal). */
  readonly rejected: readonly string[];
}

export function parseHistory(text: string, where: string): History {
  const records: AnyRecord[] = [];
  const rejected: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const value: unknown = JSON.parse(line);
      assertRecord(value, `${where}:${index + 1}`);
      records.push(value);
    } catch (error) {
      rejected.push(`${where}:${index + 1}: ${(error as Error).message}`);
    }
  });
  return { records, rejected };
}

export async function readHistory(file: string): Promise<History> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], rejected: [] };
    throw error;
  }
  return parseHistory(text, file);
}

/** A record by full id or unique id prefix. */
export function findRecord(records: readonly AnyRecord[], idOrPrefix: string): AnyRecord {
  const exact = records.find((r) => r.id === idOrPrefix);
  if (exact) return exact;
  const matches = records.filter((r) => r.id.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new BenchError(benchCodes.RECORD, `"${idOrPrefix}" matches ${matches.length} records: ${matches.map((r) => r.id).join(', ')}`);
  }
  throw new BenchError(benchCodes.RECORD, `no record "${idOrPrefix}" in the history`);
}

/**
 * A record from a file: a single JSON record (results.json of a run) or a JSONL history (its last record, or
 * the one with `id`).
 */
export async function loadRecordFile(file: string, id?: string): Promise<AnyRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BenchError(benchCodes.RECORD, `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new BenchError(benchCodes.RECORD, `${file}: not JSON: ${(error as Error).message}`, { cause: error });
    }
    try {
      assertRecord(value, file);
    } catch (error) {
      throw new BenchError(benchCodes.RECORD, (error as Error).message, { cause: error });
    }
    return value;
  }
  const { records } = parseHistory(text, file);
  if (records.length === 0) throw new BenchError(benchCodes.RECORD, `${file}: holds no benchmark record`);
  return id ? findRecord(records, id) : records[records.length - 1];
}

/** Where the bench package lives and writes, independent of the directory it is run from. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);
/** Committed: one record a line. */
export const DEFAULT_HISTORY = join(BENCH_DIR, 'results', 'history.jsonl');
/** Ignored by git: per-run files (record, table, chart). */
export const DEFAULT_LOCAL_DIR = join(BENCH_DIR, 'results', 'local');

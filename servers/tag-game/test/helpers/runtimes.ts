/** The runtimes the end-to-end suites run under: every one built into @flux/runtime. */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RuntimeKind } from '@flux/runtime';

function threadsBuilt(): boolean {
  const runtimeEntry = createRequire(import.meta.url).resolve('@flux/runtime');
  return existsSync(join(dirname(runtimeEntry), 'threads', 'index.ts'));
}

const BUILT: readonly RuntimeKind[] = threadsBuilt() ? ['event', 'threadpool', 'thread', 'workers'] : ['event'];
/** TAG_GAME_RUNTIMES=thread,workers narrows a run to those runtimes (all by default). */
const CHOSEN = process.env['TAG_GAME_RUNTIMES']?.split(',').map((r) => r.trim());

export const RUNTIMES: readonly RuntimeKind[] = CHOSEN === undefined ? BUILT : BUILT.filter((r) => CHOSEN.includes(r));

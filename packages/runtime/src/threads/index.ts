/** The threaded runtimes, loaded by start() only when asked for (see core/core.ts, ThreadsModule). */

import type { RuntimeStarter } from '../core/core.ts';
import { startThreadpool as startPool } from './pool.ts';
import { startThread as startPerSession } from './thread.ts';

export const startThreadpool: RuntimeStarter = startPool;
export const startThread: RuntimeStarter = startPerSession;

export type { ThreadsOptions, ThreadsSettings } from './options.ts';
export type { ThreadpoolInstance } from './pool.ts';
export type { ThreadInstance } from './thread.ts';
export { threadCodes } from './errors.ts';

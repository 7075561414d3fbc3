/** The `workers` runtime, loaded by start() only when asked for (see core/core.ts, WorkersModule). */

import type { RuntimeStarter } from '../core/core.ts';
import { startWorkers as start } from './runtime.ts';

export const startWorkers: RuntimeStarter = start;

export type { WorkersInstance } from './runtime.ts';
export type { WorkersSettings } from './options.ts';

/** Messages between the harness and the autocannon load process (over the IPC channel of `fork`). */
import type { RunMeasurement } from './types.ts';

export type ToLoadProcess =
  | { readonly type: 'configure'; readonly paths: readonly string[]; readonly timeoutSeconds: number }
  | { readonly type: 'run'; readonly id: number; readonly url: string; readonly connections: number; readonly durationSeconds: number };

export type FromLoadProcess =
  | { readonly type: 'ready'; readonly version: string }
  | { readonly type: 'result'; readonly id: number; readonly measurement: RunMeasurement }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

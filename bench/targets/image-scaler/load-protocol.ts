/** Messages between the harness and the image-scaler load process (IPC of `fork`). */
import type { RunMeasurement } from '../../src/load/types.ts';
import type { MixSpec } from './request-mix.ts';

export type ToImageLoad =
  | { readonly type: 'configure'; readonly mix: MixSpec; readonly timeoutSeconds: number }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly url: string;
      readonly connections: number;
      readonly durationSeconds: number;
      /** Request every hot key once first, so that a hit-only mix is all hits. */
      readonly prefill: boolean;
    };

export type FromImageLoad =
  | { readonly type: 'ready'; readonly version: string }
  | { readonly type: 'result'; readonly id: number; readonly measurement: RunMeasurement }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

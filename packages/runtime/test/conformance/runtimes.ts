import type { RuntimeKind } from '../../src/api.ts';

/** One runtime the conformance suite runs under, and how its volume tests send their flows. */
export interface ConformanceRuntime {
  readonly kind: RuntimeKind;
  /**
   * Volume tests (many flows at once) emit through the fixtures' `...Lane` sources instead of the plain ones:
   * the same flows, with a session key the harness deals out over LANES keys (fixtures/harness.ts). Under
   * `thread` each flow without a session needs a worker to itself while it runs (a start is about 25 ms and 35 ms
   * of CPU here), while a session's flows share the session's worker: with lanes, 300 flows run on the lanes'
   * workers and still interleave (within a worker at their awaits, across workers in parallel), which is what the
   * lock tests need to catch a broken lock. Most flows sent one at a time stay sessionless under every runtime.
   */
  readonly lanes: boolean;
  /** Multiplies the volume tests' flow counts. */
  readonly load: number;
}

export const RUNTIMES: readonly ConformanceRuntime[] = [
  { kind: 'event', lanes: false, load: 1 },
  { kind: 'threadpool', lanes: false, load: 1 },
  { kind: 'thread', lanes: true, load: 1 },
  // The fixtures' sources all run 'once', so under `workers` their flows run on the main thread, over the same
  // shared-memory program locks the workers take (test/workers/ covers flows on the workers themselves).
  { kind: 'workers', lanes: false, load: 1 },
];

/**
 * The source a test emits through under `rt` when its flows must share threads: `name`, or its lane twin. For
 * many flows at once, and for a flow that must find the locks an earlier flow leaked (under `thread` a worker
 * left idle is ended after `threadIdleMs`, and ending a worker releases what it held).
 */
export function laneSource(rt: ConformanceRuntime, name: string): string {
  return rt.lanes ? `${name}Lane` : name;
}

/** A volume test's flow count under `rt` (`count` as written, scaled by `rt.load`), kept a multiple of `step`. */
export function volume(rt: ConformanceRuntime, count: number, step = 1): number {
  return Math.max(step, Math.round((count * rt.load) / step) * step);
}

/** What both runners share: the order targets take turns in, and how a target that died is reported. */

import { describeExit, type RunningTarget } from '../process/target-process.ts';

/** `items` started at index `by` (wrapping): each run starts with a different target, so none is always first. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** How a target that exited mid-benchmark ended, with the last lines it wrote to stderr. */
export function diedMessage(target: RunningTarget): string {
  const status = target.exitStatus();
  const tail = target.stderrTail().trim().split('\n').slice(-10).join('\n');
  return `exited during the benchmark (${status ? describeExit(status.code, status.signal) : 'unknown'})${tail ? `\n${tail}` : ''}`;
}

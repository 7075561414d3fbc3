/**
 * The Clock source: emits the time (Date.now(), server ms) --tick-hz times a second, on a schedule that does
 * not drift. A tick still running when the next is due is not doubled: that tick is skipped and counted.
 */

import type { SourceContext } from '@flux/runtime/api.ts';
import { current } from '../state.ts';

export let ticksSkipped = 0;

export async function clock(ctx: SourceContext<[now: number]>): Promise<void> {
  const period = 1000 / current().options.tickHz;
  let running = false;
  let next = performance.now() + period;
  let timer: NodeJS.Timeout | undefined;
  const done = () => {
    running = false;
  };
  const fire = () => {
    if (ctx.signal.aborted) return;
    if (running) ticksSkipped++;
    else {
      running = true;
      ctx.emitThen(done, Date.now());
    }
    const now = performance.now();
    next += period;
    if (next < now) next = now + period; // far behind: start again from now
    timer = setTimeout(fire, next - now);
  };
  timer = setTimeout(fire, period);
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  clearTimeout(timer);
}

/** Implementation modules for emit.bench.ts: three nodes, the source parks its context for the bench. */
import type { Implementation, SourceContext } from '../src/api.ts';

export const contexts = new Map<boolean, Promise<SourceContext>>();
const parked = new Map<boolean, (ctx: SourceContext) => void>();
for (const key of [false, true]) contexts.set(key, new Promise((resolve) => parked.set(key, resolve)));

export function parkSource(asyncNodes: boolean) {
  return (ctx: SourceContext): Promise<void> => {
    parked.get(asyncNodes)!(ctx);
    return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  };
}

export default {
  sources: { Src: parkSource(false) },
  nodes: { N0: (n: number) => [n + 1], N1: (n: number) => [n + 1], N2: (n: number) => [n + 1] },
} satisfies Implementation;

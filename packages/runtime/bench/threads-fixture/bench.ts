// Implementation of bench.flux. Sources do nothing: the benchmark dispatches flows itself.
import { readFile } from 'node:fs/promises';
import type { Implementation } from '../../src/api.ts';

const file = new URL('./bench.flux', import.meta.url);

/** About `us` microseconds of CPU work. */
function spin(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

export default {
  sources: { Drive: () => {}, Loose: () => {} },
  sessions: { SessionOf: (_op: string, _n: number, sess: number) => sess },
  predicates: { IsIo: (op: string) => op === 'io' },
  nodes: {
    Echo: (_op: string, n: number) => [n],
    async IoWork(_op: string, n: number) {
      spin(50);
      const text = await readFile(file, 'utf8');
      spin(50);
      return [n + text.length];
    },
  },
} satisfies Implementation;

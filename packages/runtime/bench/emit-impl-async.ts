import type { Implementation } from '../src/api.ts';
import { parkSource } from './emit-impl.ts';

export default {
  sources: { Src: parkSource(true) },
  nodes: { N0: async (n: number) => [n + 1], N1: async (n: number) => [n + 1], N2: async (n: number) => [n + 1] },
} satisfies Implementation;

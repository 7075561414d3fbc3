/**
 * The implementation with Listen on every worker under `workers` (each worker owning its connections, the
 * world shared through the `world` lock in shared memory): not the default, because under input load flows
 * on a worker waited for the shared lock and never ran (README, "Under each runtime"). Kept to reproduce it:
 * `node servers/tag-game/tools/workers-joins.ts`.
 */

import implementation from './tag-game.ts';
import type { TagGameImplementation } from './tag-game.flux.ts';

export default {
  ...implementation,
  sourceModes: { Listen: 'every-thread', Clock: 'once' },
} satisfies TagGameImplementation;

/**
 * Behaviour every runtime must show identically. Assertions only look at what crosses into the test through
 * runtime-independent channels: flow outcomes, shared memory created in setup, statistics, onError reports.
 */

import { RUNTIMES } from './runtimes.ts';
import { dispatchSuite } from './dispatch.ts';
import { errorsSuite } from './errors.ts';
import { locksSuite } from './locks.ts';
import { lifecycleSuite } from './lifecycle.ts';

for (const rt of RUNTIMES) {
  dispatchSuite(rt);
  errorsSuite(rt);
  locksSuite(rt);
  lifecycleSuite(rt.kind);
}

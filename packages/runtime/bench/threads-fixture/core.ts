/**
 * Builds what `start` would hand a runtime (RuntimeCore) for the benchmark program, so the benchmarks can call
 * the threaded starters with threads-only options (flowsPerWorker, compileCache) and dispatch flows directly.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '@flux/compiler';
import type { RuntimeKind } from '../../src/api.ts';
import type { RuntimeCore } from '../../src/core/core.ts';
import { loadImplementation } from '../../src/core/implementation.ts';
import { SharedBuffers } from '../../src/core/shared-buffers.ts';
import { buildPlan } from '../../src/plan/build.ts';

const programFile = fileURLToPath(new URL('./bench.flux', import.meta.url));
export const implementationUrl = new URL('./bench.ts', import.meta.url).href;

/** Source indices in bench.flux. */
export const DRIVE = 0;
export const LOOSE = 1;

export async function benchCore(runtime: RuntimeKind): Promise<RuntimeCore> {
  const { ir } = compile(readFileSync(programFile, 'utf8'), programFile);
  if (ir === undefined) throw new Error('bench.flux does not compile');
  const impl = await loadImplementation(implementationUrl);
  return {
    runtime,
    ir,
    plan: buildPlan(ir, impl, { elideSyncLocks: runtime === 'event' }),
    implementationUrl,
    impl,
    options: {},
    shared: new SharedBuffers(true),
    reportError: (error) => process.stderr.write(`[bench] ${error.code}: ${error.message}\n`),
  };
}

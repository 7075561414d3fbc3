import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '@flux/compiler';
import type { ProgramIR } from '@flux/compiler/ir.ts';
import type { FlowOutcome, RuntimeKind, SourceContext } from '../../src/api.ts';
import { start, type FluxServer, type StartOptions } from '../../src/start.ts';
import { kCore, kInstance } from '../../src/symbols.ts';
import type { FluxError } from '../../src/errors.ts';
import { P } from './fixtures/program/threads.ts';
import type { RuntimeCore } from '../../src/core/core.ts';
import { loadImplementation } from '../../src/core/implementation.ts';
import { SharedBuffers } from '../../src/core/shared-buffers.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { withTimeout } from '../helpers/bounded.ts';

export { waitFor, withTimeout } from '../helpers/bounded.ts';

export { P };

const programUrl = new URL('./fixtures/program/threads.flux', import.meta.url);
export const implementationUrl = new URL('./fixtures/program/threads.ts', import.meta.url);

let cachedIr: ProgramIR | undefined;
export function threadsIr(): ProgramIR {
  if (cachedIr !== undefined) return cachedIr;
  const file = fileURLToPath(programUrl);
  const result = compile(readFileSync(file, 'utf8'), file);
  if (result.ir === undefined || result.diagnostics.some((d: { category?: string }) => d.category === 'error')) {
    throw new Error(`threads.flux does not compile: ${JSON.stringify(result.diagnostics)}`);
  }
  cachedIr = result.ir;
  return cachedIr;
}

type Ctx = SourceContext<[string, number, number]>;

export interface TestServer {
  readonly server: FluxServer;
  /** Source with a session (the third output is the session key). */
  readonly drive: Ctx;
  /** Source without a session. */
  readonly loose: Ctx;
  /** Source without a session whose target returns an output (a function for op 'fn'). */
  readonly give: Ctx;
  readonly probe: Int32Array;
  /** Runtime errors reported through onError. */
  readonly errors: FluxError[];
  /** The runtime instance (ThreadpoolInstance / ThreadInstance / event). */
  readonly instance: any;
  emit(op: string, key: number, sess?: number): Promise<FlowOutcome>;
  stop(): Promise<void>;
}

export async function startTestServer(
  runtime: RuntimeKind,
  extra: Partial<Pick<StartOptions, 'threads' | 'queueLimit' | 'maxThreads'>> = {},
): Promise<TestServer> {
  const contexts = new Map<string, Ctx>();
  let gotAll!: () => void;
  const all = new Promise<void>((resolve) => (gotAll = resolve));
  const errors: FluxError[] = [];
  const server = await start({
    ir: threadsIr(),
    implementation: implementationUrl,
    runtime,
    ...extra,
    options: {
      onSource: (name: string, ctx: Ctx) => {
        contexts.set(name, ctx);
        if (contexts.size === 3) gotAll();
      },
    },
    onError: (error) => errors.push(error),
  });
  await withTimeout(all, 'sources');
  const probe = new Int32Array(server[kCore].shared.get('probe', P.size * 4));
  const drive = contexts.get('Drive')!;
  return {
    server,
    drive,
    loose: contexts.get('Loose')!,
    give: contexts.get('Give')!,
    probe,
    errors,
    instance: server[kInstance],
    emit: (op, key, sess = 0) => drive.emit(op, key, sess),
    stop: () => withTimeout(server.stop({ deadlineMs: 2000 }), 'server stop', 10_000),
  };
}

/** What `start` would hand a runtime, for the threads test program: to call the starters with threads-only options. */
export async function directCore(runtime: RuntimeKind, implementation: URL = implementationUrl): Promise<RuntimeCore> {
  const ir = threadsIr();
  const impl = await loadImplementation(implementation.href);
  const shared = new SharedBuffers(true);
  await impl.setup?.({ runtime, options: {}, thread: 'main', shared: (name, bytes) => shared.get(name, bytes) });
  return {
    runtime,
    ir,
    plan: buildPlan(ir, impl, { elideSyncLocks: false }),
    implementationUrl: implementation.href,
    impl,
    options: {},
    shared,
    reportError: () => {},
  };
}

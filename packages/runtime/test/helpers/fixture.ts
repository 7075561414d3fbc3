/** Starting fixture servers in tests: compile the fixture's .flux file, start it, emit through its sources. */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, formatDiagnostics } from '@flux/compiler';
import type { ProgramIR } from '@flux/compiler/ir.ts';
import type { FlowOutcome, RuntimeKind } from '../../src/api.ts';
import type { FluxError } from '../../src/errors.ts';
import { start, type FluxServer, type StartOptions } from '../../src/start.ts';
import { kCore } from '../../src/symbols.ts';
import { harness } from '../fixtures/harness.ts';

const compiled = new Map<string, ProgramIR>();

/** Compiles `test/fixtures/<name>/<name>.flux` (cached per process). */
export function fixtureIR(name: string): ProgramIR {
  let ir = compiled.get(name);
  if (ir === undefined) {
    const file = fileURLToPath(new URL(`../fixtures/${name}/${name}.flux`, import.meta.url));
    const result = compile(readFileSync(file, 'utf8'), file);
    if (result.ir === undefined) throw new Error(`fixture ${name} does not compile:\n${formatDiagnostics(result.diagnostics, result.source)}`);
    ir = result.ir;
    compiled.set(name, ir);
  }
  return ir;
}

export function fixtureModule(name: string): URL {
  return new URL(`../fixtures/${name}/${name}.ts`, import.meta.url);
}

export interface FixtureServer {
  readonly server: FluxServer;
  /** Errors reported through onError, in order. */
  readonly errors: FluxError[];
  emit(source: string, ...outputs: unknown[]): Promise<FlowOutcome>;
  endSession(source: string, key: string | number): Promise<void>;
  /** A view on a SharedArrayBuffer the fixture's setup created. */
  int32(name: string, byteLength: number): Int32Array;
  stop(deadlineMs?: number): Promise<void>;
}

export async function startFixture(
  name: string,
  runtime: RuntimeKind,
  extra: Partial<Omit<StartOptions, 'ir' | 'implementation' | 'runtime'>> = {},
): Promise<FixtureServer> {
  harness.reset();
  const errors: FluxError[] = [];
  const server = await start({
    ir: fixtureIR(name),
    implementation: fixtureModule(name),
    runtime,
    threads: 2,
    onError: (e) => errors.push(e),
    ...extra,
  });
  return {
    server,
    errors,
    emit: async (source, ...outputs) => (await harness.context(source)).emit(...outputs),
    endSession: async (source, key) => (await harness.context(source)).endSession(key),
    int32: (buffer, byteLength) => new Int32Array(server[kCore].shared.get(buffer, byteLength)),
    stop: (deadlineMs) => server.stop({ deadlineMs: deadlineMs ?? 5000 }),
  };
}

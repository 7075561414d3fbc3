/**
 * The simulator's entry for tools: a program and a profile in, one prediction per connection count out.
 */
import { readFileSync } from 'node:fs';
import { compile, formatDiagnostics, type ProgramIR } from '@flux/compiler';
import { compileRuntime, type CompiledRuntime } from './compile.ts';
import { buildModel, type ProfileInput, type SimModel } from './model.ts';
import { DEFAULT_COSTS, type RuntimeCosts, type RuntimeName } from './runtime-costs.ts';
import { simulate, type SimulationResult } from './simulator.ts';

export interface PredictOptions {
  readonly ir: ProgramIR;
  readonly profile: ProfileInput;
  readonly runtime: RuntimeName;
  readonly cores: number;
  readonly connections: readonly number[];
  readonly seed?: number;
  readonly threads?: number;
  readonly speedups?: ReadonlyMap<string, number>;
  /** Open arrivals at this rate (requests/s) instead of closed-loop connections. */
  readonly openRate?: number;
  readonly ioUs?: number;
  readonly clientCpuUs?: number;
  readonly costs?: RuntimeCosts;
  readonly measure?: number;
  readonly exponential?: boolean;
  readonly asyncNodes?: ReadonlySet<string>;
  readonly syncNodes?: ReadonlySet<string>;
}

export interface Prediction {
  readonly rows: SimulationResult[];
  readonly model: SimModel;
  readonly compiled: CompiledRuntime;
  readonly events: number;
  readonly wallMs: number;
}

export function predict(options: PredictOptions): Prediction {
  const model = buildModel(options.ir, options.profile, {
    speedups: options.speedups,
    exponential: options.exponential,
    asyncNodes: options.asyncNodes,
    syncNodes: options.syncNodes,
  });
  const compiled = compileRuntime(model, {
    runtime: options.runtime,
    cores: options.cores,
    threads: options.threads,
    ioUs: options.ioUs ?? 0,
    clientCpuUs: options.clientCpuUs ?? 0,
    costs: options.costs ?? DEFAULT_COSTS,
  });
  const started = performance.now();
  let events = 0;
  const rows = options.connections.map((connections, i) => {
    const r = simulate({
      compiled,
      cores: options.cores,
      connections,
      openRate: options.openRate,
      seed: (options.seed ?? 1) + i * 7919,
      measure: options.measure,
    });
    events += r.events;
    return r;
  });
  return { rows, model, compiled, events, wallMs: performance.now() - started };
}

/** A `.flux` program (compiled here) or a compiled `.ir.json`. Throws with the diagnostics on errors. */
export function loadProgram(file: string): ProgramIR {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const ir = JSON.parse(text) as ProgramIR;
    if (ir.irVersion !== 1 || !Array.isArray(ir.nodes)) throw new Error(`${file} is not a Flux IR (irVersion 1)`);
    return ir;
  }
  const result = compile(text, file);
  if (result.ir === undefined) throw new Error(`${file} does not compile:\n${formatDiagnostics(result.diagnostics, result.source)}`);
  return result.ir;
}

export function loadProfile(file: string): ProfileInput {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the profile ${file}: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || !('nodes' in data)) throw new Error(`${file} is not a stats snapshot (--stats-out): no nodes`);
  return data as ProfileInput;
}

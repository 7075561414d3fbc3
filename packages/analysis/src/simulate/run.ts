/**
 * The simulator's entry for tools: a program and a profile in, one prediction per connection count out.
 */
import { readFileSync } from 'node:fs';
import { compile, formatDiagnostics, type ProgramIR } from '@flux/compiler';
import { isAsyncFunction } from '@flux/runtime/plan/build.ts';
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
  /** CPU per request outside the nodes; default: what `cpuPerRequestUs` leaves after the nodes. */
  readonly ioUs?: number;
  /**
   * The process's CPU per request, every thread (measured apart, e.g. from /proc over a run; default: the
   * profile's processCpuUs per flow). The nodes' times are scaled down to it when they add up to more (wall
   * clocks on a busy machine), and what they leave is the CPU outside the nodes.
   */
  readonly cpuPerRequestUs?: number;
  readonly minPathShare?: number;
  readonly tailCut?: number;
  /** Every CPU burst takes this many times its CPU time: other work sharing the cores (see simulator.ts). */
  readonly cpuStretch?: number;
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
  /** CPU per request outside the nodes used (given, or from the process's CPU). */
  readonly ioUs: number;
}

export function predict(options: PredictOptions): Prediction {
  const modelOptions = {
    exponential: options.exponential,
    asyncNodes: options.asyncNodes,
    syncNodes: options.syncNodes,
    minPathShare: options.minPathShare,
    tailCut: options.tailCut,
  };
  // Calibrate against the process's CPU without the virtual speedup, then apply it.
  const plain = buildModel(options.ir, options.profile, modelOptions);
  const nodeUs = nodeUsPerRequest(plain);
  const total = options.cpuPerRequestUs ?? processCpuPerFlow(options.profile);
  let ioUs = options.ioUs ?? 0;
  let cpuScale = 1;
  if (options.ioUs === undefined && total !== undefined) {
    if (nodeUs > total && nodeUs > 0) cpuScale = total / nodeUs;
    ioUs = Math.max(0, total - nodeUs);
  }
  const model = buildModel(options.ir, options.profile, { ...modelOptions, speedups: options.speedups, cpuScale });
  if (cpuScale !== 1) (model.notes as string[]).push(`node times scaled by ${cpuScale.toFixed(2)} to the process's CPU per request (${total!.toFixed(1)} us)`);
  const compiled = compileRuntime(model, {
    runtime: options.runtime,
    cores: options.cores,
    threads: options.threads,
    ioUs,
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
      cpuStretch: options.cpuStretch,
    });
    events += r.events;
    return r;
  });
  return { rows, model, compiled, events, wallMs: performance.now() - started, ioUs };
}

/** Mean CPU the nodes of a request use, on its thread and on libuv's pool (µs). */
export function nodeUsPerRequest(model: SimModel): number {
  let us = 0;
  for (const list of model.flows.paths.values()) {
    for (const path of list) {
      for (const op of path.ops) {
        if (op.kind !== 'node') continue;
        const node = model.nodes.get(op.node);
        if (node !== undefined) us += path.probability * (node.cpu.mean + (node.async ? node.offThread.mean : 0));
      }
    }
  }
  return us;
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

/**
 * Which nodes an implementation module declares asynchronous, decided as the runtime decides it for lock
 * elision (`isAsyncFunction`: the function is an AsyncFunction). Better than guessing from the profile, where
 * a synchronous node preempted on a busy machine shows wall time well above its CPU time.
 */
export async function classifyImplementation(moduleUrl: string): Promise<{ async: Set<string>; sync: Set<string> }> {
  const mod = (await import(moduleUrl)) as { default?: { nodes?: Record<string, unknown> } };
  const nodes = mod.default?.nodes;
  if (nodes === undefined || typeof nodes !== 'object') throw new Error(`${moduleUrl} has no default export with nodes (an implementation module)`);
  const out = { async: new Set<string>(), sync: new Set<string>() };
  for (const [name, fn] of Object.entries(nodes)) (isAsyncFunction(fn) ? out.async : out.sync).add(name);
  return out;
}

/** A version 2 profile's process CPU per flow (every thread, over the profile's span), if it has it. */
export function processCpuPerFlow(profile: ProfileInput): number | undefined {
  const cpu = profile.profile?.processCpuUs;
  const flows = profile.flows?.started ?? 0;
  return cpu !== undefined && cpu > 0 && flows > 0 ? cpu / flows : undefined;
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

/**
 * From a program (IR) and a profile (a runtime's `--stats-out` snapshot) to what the simulator needs: per node
 * its CPU time on the thread that runs it and, for an asynchronous node, the part it spends off that thread
 * (libuv's pool); the flows' paths with probabilities; the locks and which runtimes elide them.
 */
import type { ProgramIR } from '@flux/compiler';
import { cutAboveMedian, Deterministic, Exponential, fromHistogram, type Distribution, type HistogramInput } from './distribution.ts';
import { buildFlowModel, type FlowModel, type EdgeCount, type PathCount } from './flow-model.ts';
import type { RuntimeName } from './runtime-costs.ts';

/** The parts of a stats snapshot (version 1 or 2) the simulator reads. */
export interface ProfileInput {
  version?: number;
  program?: string;
  runtime?: string;
  flows?: { started: number };
  nodes?: Record<string, { calls: number; wallMs: number; cpuMs: number; timed: number }>;
  edges?: EdgeCount[];
  paths?: PathCount[];
  profile?: {
    sampleEvery?: number;
    durationMs?: number;
    processCpuUs?: number;
    cores?: number;
    nodes?: Record<string, { cpuUs: HistogramInput; wallUs: HistogramInput }>;
    asyncWaitUs?: Record<string, HistogramInput>;
    crossingUs?: HistogramInput;
    locks?: Record<string, { mode: string; holdUs: HistogramInput; waitUs: HistogramInput; acquisitions: number }>;
    connections?: { maxOpen: number; meanOpen: number };
  };
}

export interface NodeModel {
  readonly name: string;
  /** CPU on the thread running the flow, per call. */
  readonly cpu: Distribution;
  /** Work off that thread (libuv's pool), per call; zero for synchronous nodes. */
  readonly offThread: Distribution;
  readonly async: boolean;
  readonly calls: number;
}

export interface ModelOptions {
  /** Node name -> factor: its CPU work divided by the factor (virtual speedup). */
  readonly speedups?: ReadonlyMap<string, number>;
  /** Force a node's classification (otherwise: asynchronous when its wait off-thread dominates its CPU). */
  readonly asyncNodes?: ReadonlySet<string>;
  readonly syncNodes?: ReadonlySet<string>;
  /** Drop paths taken by fewer than this share of flows (cold-start misses); 0 keeps all. */
  readonly minPathShare?: number;
  /** Multiply every node's CPU on its thread (to make the nodes agree with the process's measured CPU). */
  readonly cpuScale?: number;
  /** Cut a synchronous part's values above this many times its median (preemption on a busy machine); 0 (the default) keeps them. */
  readonly tailCut?: number;
  /** Service times as exponentials with the profile's means instead of the histograms (the 2006 model). */
  readonly exponential?: boolean;
}

export interface SimModel {
  readonly ir: ProgramIR;
  readonly flows: FlowModel;
  readonly nodes: ReadonlyMap<string, NodeModel>;
  /** Per lock index: whether each runtime takes it (false: elided). Session locks: see `sessionLock`. */
  readonly lockTaken: (lock: number, runtime: RuntimeName) => boolean;
  readonly crossing: Distribution | null;
  readonly notes: readonly string[];
}

/** Without --implementation: a node whose wait after its synchronous part exceeds both 1 us and that part is taken as asynchronous. */
const ASYNC_MIN_WAIT_US = 1;

export function buildModel(ir: ProgramIR, profile: ProfileInput, options: ModelOptions = {}): SimModel {
  const notes: string[] = [];
  const flows = buildFlowModel(ir, { paths: profile.paths, edges: profile.edges }, options.minPathShare ?? 0);
  if (flows.unmatched > 0) notes.push(`${flows.unmatched} profiled flows took paths this program does not have (ignored)`);
  if (flows.basis !== 'paths') notes.push(`branch probabilities from ${flows.basis === 'edges' ? 'edge counts' : 'nothing (uniform)'}: the profile has no path counts`);
  const nodes = new Map<string, NodeModel>();
  for (const n of ir.nodes) {
    if (n.kind !== 'concrete') continue;
    if (ir.sources.some((s) => s.node === n.id)) continue;
    const hist = profile.profile?.nodes?.[n.name];
    const totals = profile.nodes?.[n.name];
    const calls = totals?.calls ?? hist?.cpuUs.count ?? 0;
    // The synchronous part (timed by the wall clock: the CPU clock here advances in scheduler ticks), and the
    // time awaited after it (wall minus synchronous part), each from its histogram when the profile has one.
    const tailCut = options.tailCut ?? 0;
    const syncHist = hist && hist.cpuUs.count > 0 ? (tailCut > 0 ? cutAboveMedian(hist.cpuUs, tailCut) : hist.cpuUs) : undefined;
    const cpuMean = syncHist ? syncHist.sumUs / syncHist.count : totals && totals.calls > 0 ? (totals.cpuMs * 1000) / totals.calls : 0;
    const wallMean = hist && hist.wallUs.count > 0 ? hist.wallUs.sumUs / hist.wallUs.count : totals && totals.calls > 0 ? (totals.wallMs * 1000) / totals.calls : 0;
    const waitHist = profile.profile?.asyncWaitUs?.[n.name];
    const waitMean = waitHist && waitHist.count > 0 ? waitHist.sumUs / waitHist.count : Math.max(0, wallMean - cpuMean);
    const async = options.asyncNodes?.has(n.name) ? true : options.syncNodes?.has(n.name) ? false : waitMean > ASYNC_MIN_WAIT_US && waitMean > cpuMean;
    let cpu: Distribution;
    let off: Distribution;
    if (options.exponential || syncHist === undefined) {
      cpu = cpuMean > 0 ? new Exponential(cpuMean) : new Deterministic(0);
      off = async && waitMean > 0 ? new Exponential(waitMean) : new Deterministic(0);
      if (syncHist === undefined && calls > 0 && !options.exponential) notes.push(`${n.name}: no histogram in the profile (version 1?): exponential with the mean`);
    } else {
      cpu = fromHistogram(syncHist, cpuMean);
      off = async ? (waitHist && waitHist.count > 0 ? fromHistogram(waitHist) : waitMean > 0 ? new Exponential(waitMean) : new Deterministic(0)) : new Deterministic(0);
    }
    if (options.cpuScale !== undefined && options.cpuScale !== 1) cpu = cpu.scaled(options.cpuScale);
    const factor = options.speedups?.get(n.name);
    if (factor !== undefined) {
      cpu = cpu.scaled(1 / factor);
      off = off.scaled(1 / factor);
    }
    nodes.set(n.name, { name: n.name, cpu, offThread: off, async, calls });
  }
  for (const name of options.speedups?.keys() ?? []) {
    if (!nodes.has(name)) throw new Error(`--speedup ${name}: the program has no concrete node ${name}`);
  }

  // Elision (runtime README, "Lock elision"): under event a lock is never taken when every user is a
  // synchronous concrete node and no abstract node names it; under workers only session locks are elided so.
  const elidable = ir.locks.map((_, lock) =>
    ir.nodes.every((n) => !n.locks.some((u) => u.lock === lock) || (n.kind === 'concrete' && !(nodes.get(n.name)?.async ?? false))),
  );
  const lockTaken = (lock: number, runtime: RuntimeName): boolean => {
    const scope = ir.locks[lock]?.scope;
    if (runtime === 'event') return !elidable[lock];
    if (runtime === 'workers') return scope === 'program' || !elidable[lock];
    return true;
  };
  const crossingHist = profile.profile?.crossingUs;
  const crossing = crossingHist && crossingHist.count > 0 ? fromHistogram(crossingHist) : null;
  return { ir, flows, nodes, lockTaken, crossing, notes };
}

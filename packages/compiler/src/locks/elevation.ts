import { strongerOrEqual as stronger, type LockMode } from './order.ts';

/**
 * Deadlock avoidance by lock elevation, over an abstract description of the program (so that the property
 * test can drive it with random programs).
 *
 * Runtime model. A concrete node takes all of its locks at once, in canonical order, and drops them when it
 * returns. An abstract node takes its locks before its first child and holds them until its flow ends.
 * A lock the flow already holds in the same or a stronger mode is not taken again (locks are reentrant).
 *
 * Analysis. Every path is walked from every root. Inside an atomic abstract node the walk treats every
 * lock taken so far in its flow as possibly still held (a nested atomic node counting as one step that
 * took its own locks), as the 2006 compiler did. When a node needs a lock ranked below such a lock, the
 * lock is elevated into the most recent node that took a higher-ranked lock (and does not have this one
 * yet): an enclosing abstract node, or a node before it in the flow. When a node writes a lock an enclosing node holds for
 * reading, the enclosing node is raised to writer, since upgrading a held read lock can deadlock against
 * another upgrading reader. Elevations found in one walk take effect in the next; walks repeat until one
 * changes nothing. Each elevation is reported in the order it was made.
 *
 * Why the result is safe: the locks really held at any point are a subset of those the walk treats as
 * held, and a real out-of-order acquisition always has a candidate (the enclosing node holding the
 * higher lock), so a walk that elevates nothing proves that no path takes a lock below one it holds.
 */

export interface LockNeed {
  /** Rank of the lock in the canonical order. */
  readonly lock: number;
  readonly mode: LockMode;
}

export interface LockGraphNode {
  readonly name: string;
  readonly kind: 'concrete' | 'abstract';
  /** Locks the program declares for this node (each rank at most once). */
  readonly locks: readonly LockNeed[];
  /** For abstract nodes: each case's chain of child node names. */
  readonly cases: readonly (readonly string[])[];
}

export interface LockGraph {
  readonly nodes: ReadonlyMap<string, LockGraphNode>;
  /** Where flows start: source targets, source nodes, and nodes no flow refers to. */
  readonly roots: readonly string[];
}

export type Elevation =
  /** A lock added to `target` (or raised to `mode` there) because `neededBy` would take it out of order. */
  | {
      readonly kind: 'order';
      readonly lock: number;
      readonly mode: LockMode;
      readonly target: string;
      readonly neededBy: string;
      /** True when `target` encloses `neededBy`; otherwise it comes before it in the region of `region`. */
      readonly enclosing: boolean;
      readonly region: string;
    }
  /** `target` holds the lock for reading and `neededBy`, inside it, writes it. */
  | { readonly kind: 'writer'; readonly lock: number; readonly mode: 'write'; readonly target: string; readonly neededBy: string };

export interface FinalLock {
  readonly lock: number;
  readonly mode: LockMode;
  readonly elevated: boolean;
}

export interface ElevationResult {
  /** Every node's final lock set, sorted by rank. */
  readonly locks: ReadonlyMap<string, readonly FinalLock[]>;
  readonly elevations: readonly Elevation[];
}

interface Held {
  readonly mode: LockMode;
  readonly holder: string;
}

interface Taken {
  readonly lock: number;
  readonly mode: LockMode;
  readonly taker: string;
}

interface WalkState {
  /** Locks held by the enclosing abstract nodes. */
  readonly held: ReadonlyMap<number, Held>;
  /** Locks the walk treats as possibly held, in the order they were taken; empty outside atomic nodes. */
  readonly taken: readonly Taken[];
  /** The innermost enclosing atomic node, or null outside any (then `taken` is empty). */
  readonly region: string | null;
}

type LockSets = Map<string, Map<number, { mode: LockMode; elevated: boolean }>>;


export function elevateLocks(graph: LockGraph): ElevationResult {
  const sets: LockSets = new Map();
  for (const node of graph.nodes.values()) {
    sets.set(node.name, new Map(node.locks.map((need) => [need.lock, { mode: need.mode, elevated: false }])));
  }
  const elevations: Elevation[] = [];

  for (;;) {
    const pending = new Map<string, Elevation>();
    const snapshot = snapshotSets(sets);
    const walker = new Walker(graph, snapshot, pending);
    for (const root of graph.roots) walker.walk(root, { held: new Map(), taken: [], region: null }, []);
    if (pending.size === 0) break;
    for (const elevation of pending.values()) {
      const set = sets.get(elevation.target);
      if (set === undefined) continue;
      const current = set.get(elevation.lock);
      if (current !== undefined && stronger(current.mode, elevation.mode)) continue;
      set.set(elevation.lock, { mode: elevation.mode, elevated: true });
      elevations.push(elevation);
    }
  }

  const locks = new Map<string, FinalLock[]>();
  for (const [name, set] of sets) {
    locks.set(
      name,
      [...set].sort(([a], [b]) => a - b).map(([lock, use]) => ({ lock, mode: use.mode, elevated: use.elevated })),
    );
  }
  return { locks, elevations };
}

function snapshotSets(sets: LockSets): ReadonlyMap<string, readonly LockNeed[]> {
  const snapshot = new Map<string, LockNeed[]>();
  for (const [name, set] of sets) {
    snapshot.set(name, [...set].sort(([a], [b]) => a - b).map(([lock, use]) => ({ lock, mode: use.mode })));
  }
  return snapshot;
}

class Walker {
  private readonly graph: LockGraph;
  private readonly sets: ReadonlyMap<string, readonly LockNeed[]>;
  private readonly pending: Map<string, Elevation>;

  constructor(graph: LockGraph, sets: ReadonlyMap<string, readonly LockNeed[]>, pending: Map<string, Elevation>) {
    this.graph = graph;
    this.sets = sets;
    this.pending = pending;
  }

  /** Walks `name` from `state` and returns the distinct states its paths can end in. */
  walk(name: string, state: WalkState, enclosing: readonly string[]): WalkState[] {
    const node = this.graph.nodes.get(name);
    // Unknown names and cycles are reported by the checker; the walk just stops there.
    if (node === undefined || enclosing.includes(name)) return [state];

    const held = new Map(state.held);
    const taken = [...state.taken];
    const acquired: Taken[] = [];
    for (const need of this.sets.get(name) ?? []) {
      const holding = held.get(need.lock);
      if (holding !== undefined) {
        if (!stronger(holding.mode, need.mode)) this.propose({ kind: 'writer', lock: need.lock, mode: 'write', target: holding.holder, neededBy: name });
        continue;
      }
      const target = this.elevationTarget(need, taken);
      if (target !== undefined && state.region !== null) {
        this.propose({
          kind: 'order',
          lock: need.lock,
          mode: need.mode,
          target,
          neededBy: name,
          enclosing: enclosing.includes(target),
          region: state.region,
        });
      }
      acquired.push({ lock: need.lock, mode: need.mode, taker: name });
    }

    if (node.kind === 'concrete') {
      return [{ held: state.held, taken: state.region === null ? [] : [...taken, ...acquired], region: state.region }];
    }

    const atomic = acquired.length > 0;
    for (const a of acquired) held.set(a.lock, { mode: a.mode, holder: name });
    // An atomic node starts a fresh sequence: what earlier siblings took is dropped, what the enclosing
    // nodes hold is kept. A node without locks is transparent: its children continue the sequence.
    const inner: WalkState = atomic
      ? { held, taken: [...taken.filter((t) => enclosing.includes(t.taker)), ...acquired], region: name }
      : { held, taken, region: state.region };
    // Seen from outside, an atomic node is one step that took its own locks.
    const afterAtomic: WalkState = { held: state.held, taken: state.region === null ? [] : [...taken, ...acquired], region: state.region };
    const ends = new Map<string, WalkState>();
    const innerEnclosing = [...enclosing, name];
    for (const chain of node.cases) {
      let states = [inner];
      for (const child of chain) {
        states = dedupe(states.flatMap((s) => this.walk(child, s, innerEnclosing)));
      }
      for (const end of states) {
        const after: WalkState = atomic ? afterAtomic : { held: state.held, taken: end.taken, region: state.region };
        ends.set(stateKey(after), after);
      }
    }
    return ends.size === 0 ? [atomic ? afterAtomic : state] : [...ends.values()];
  }

  /** The most recent taker of a higher-ranked lock that does not already have `need`, if any. */
  private elevationTarget(need: LockNeed, taken: readonly Taken[]): string | undefined {
    for (let i = taken.length - 1; i >= 0; i--) {
      const entry = taken[i];
      if (entry.lock <= need.lock) continue;
      const has = (this.sets.get(entry.taker) ?? []).find((l) => l.lock === need.lock);
      if (has !== undefined && stronger(has.mode, need.mode)) continue;
      return entry.taker;
    }
    return undefined;
  }

  private propose(elevation: Elevation): void {
    const key = `${elevation.target}\u0000${elevation.lock}\u0000${elevation.mode}`;
    if (!this.pending.has(key)) this.pending.set(key, elevation);
  }
}

function stateKey(state: WalkState): string {
  const held = [...state.held].map(([lock, h]) => `${lock}${h.mode[0]}${h.holder}`).join(',');
  const taken = state.taken.map((t) => `${t.lock}${t.mode[0]}${t.taker}`).join(',');
  return `${state.region}|${held}|${taken}`;
}

function dedupe(states: WalkState[]): WalkState[] {
  const byKey = new Map<string, WalkState>();
  for (const state of states) byKey.set(stateKey(state), state);
  return [...byKey.values()];
}

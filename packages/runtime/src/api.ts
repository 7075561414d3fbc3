/**
 * The contract between a Flux program's implementation module and the runtimes. The compiler generates,
 * per program, interfaces that specialise these (named tuples per node); an implementation module's default
 * export `satisfies` the generated `<Program>Implementation`.
 *
 * Where code runs
 * - `setup` runs once on every thread that runs flows (and on the main thread first), before any source starts.
 * - Sources always run on the main thread: they own listeners, timers and sockets.
 * - Nodes, predicates and handlers run on the thread the runtime picks for the flow (main under `event`,
 *   a pool worker under `threadpool`, the session's worker under `thread`). They reach connections only
 *   through `io` (connections stay on the main thread) and shared state only through `SetupContext.shared`.
 */

export type RuntimeKind = 'event' | 'threadpool' | 'thread';

export type MaybePromise<T> = T | Promise<T>;

/** A session key, as returned by a session function. */
export type SessionKey = string | number;

/**
 * A connection as node code sees it: a plain, cloneable reference. The socket itself stays on the main thread,
 * in the runtime's connection registry; `io` functions act on it from any thread.
 */
export interface Conn {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** How a flow ended, as seen by the source that started it. Never rejects. */
export type FlowOutcome =
  | { readonly status: 'ok'; readonly outputs: readonly unknown[] }
  /** A node failed and the error path ran (or there was no handler). */
  | { readonly status: 'error'; readonly node: string; readonly code: string; readonly message: string }
  /** Admission control refused the flow; the target's error path ran with an overload error. */
  | { readonly status: 'overload' };

export interface SourceContext<Out extends readonly unknown[] = readonly unknown[]> {
  readonly runtime: RuntimeKind;
  /** Server options as given to `start` (port, root directory, ...). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Aborted when the server stops: stop accepting, clear timers, let `run` return. */
  readonly signal: AbortSignal;
  /** Starts one flow through the source's target. Resolves when that flow has ended. */
  emit(...outputs: Out): Promise<FlowOutcome>;
  /**
   * `emit` without a promise: `done` gets the flow's outcome, at once (before `emitThen` returns) when the flow
   * ran to its end without waiting, else when it ends. For sources that start a flow per small message, where a
   * promise and a microtask per flow are a measurable share of the work. `done` must not throw.
   */
  emitThen(done: (outcome: FlowOutcome) => void, ...outputs: Out): void;
  /** Ends a session: its session-scoped locks and state go away. Flows already running finish first. */
  endSession(key: SessionKey): void;
}

export interface SetupContext {
  readonly runtime: RuntimeKind;
  readonly options: Readonly<Record<string, unknown>>;
  /** 'main' on the main thread, otherwise the worker's index. */
  readonly thread: 'main' | number;
  /**
   * A SharedArrayBuffer that is the same memory on every thread. Created on the main thread by the first call;
   * calls on workers with the same name return that buffer. Setup must ask for the same names on every thread.
   */
  shared(name: string, byteLength: number): SharedArrayBuffer;
}

export type NodeFn = (...inputs: any[]) => MaybePromise<readonly unknown[] | void>;
export type PredicateFn = (value: any) => MaybePromise<boolean>;
export type HandlerFn = (error: unknown, ...inputs: any[]) => MaybePromise<void>;
export type SessionFn = (...outputs: any[]) => SessionKey;
export type SourceFn = (ctx: SourceContext<any>) => MaybePromise<void>;

/** The shape every implementation module's default export has. */
export interface Implementation {
  readonly nodes: Readonly<Record<string, NodeFn>>;
  readonly sources: Readonly<Record<string, SourceFn>>;
  readonly predicates?: Readonly<Record<string, PredicateFn>>;
  readonly handlers?: Readonly<Record<string, HandlerFn>>;
  readonly sessions?: Readonly<Record<string, SessionFn>>;
  readonly setup?: (ctx: SetupContext) => MaybePromise<void>;
}

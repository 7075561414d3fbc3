/**
 * The contract between a Flux program's implementation module and the runtimes. The compiler generates,
 * per program, interfaces that specialise these (named tuples per node); an implementation module's default
 * export `satisfies` the generated `<Program>Implementation`.
 *
 * Where code runs
 * - `setup` runs once on every thread that runs flows (and on the main thread first), before any source starts.
 * - Sources run on the main thread: they own listeners, timers and sockets. Under `workers`, a source whose
 *   mode is 'every-thread' (`Implementation.sourceModes`) runs on every worker instead, each copy over its own
 *   connections.
 * - Nodes, predicates and handlers run on the thread the runtime picks for the flow (main under `event`,
 *   a pool worker under `threadpool`, the session's worker under `thread`, the thread of the source that
 *   emitted it under `workers`). They reach connections only through `io` and shared state only through
 *   `SetupContext.shared`.
 */

import type { Server } from 'node:net';

export type RuntimeKind = 'event' | 'threadpool' | 'thread' | 'workers';

/**
 * Where a source runs under `workers`: 'once' (the default) on the main thread, as under every runtime;
 * 'every-thread' on every worker, each copy serving its own connections (a listener that shares its port
 * through `SourceContext.listen`). The other runtimes run every source once, on the main thread.
 */
export type SourceMode = 'once' | 'every-thread';

/** What `SourceContext.listen` binds to. */
export interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port (one port for every copy of the source). */
  readonly port: number;
  readonly backlog?: number;
}

/** The address a source listens on. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export type MaybePromise<T> = T | Promise<T>;

/** A session key, as returned by a session function. */
export type SessionKey = string | number;

/**
 * A connection as node code sees it: a plain, cloneable reference. The socket itself stays on the thread whose
 * source registered it (the main thread, or under `workers` the worker), in that thread's connection registry;
 * `io` functions act on it from any thread. Ids are unique across threads.
 */
export interface Conn {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Its row in the process's write-window table (io/write-windows.ts); -1 or absent: none. */
  readonly row?: number;
}

/**
 * What a write does once a connection holds more unflushed bytes than the io write limit (4 MiB): 'close'
 * destroys the connection (right for byte streams such as HTTP, where a lost write corrupts what follows);
 * 'drop' drops that write and keeps the connection (right for whole messages a reader can miss, such as game
 * state frames). Either way `io.write` returns false and memory stays bounded.
 */
export type OverflowPolicy = 'close' | 'drop';

export interface RegisterOptions {
  /** Default 'close'. */
  readonly overflow?: OverflowPolicy;
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
  /** 'main', or the worker's index for an 'every-thread' source under `workers`. */
  readonly thread: 'main' | number;
  /**
   * Makes `server` listen on `options`, shared by every copy of this source: use it instead of `server.listen`
   * so that an 'every-thread' source under `workers` gets one port for all its copies, and so that the launcher
   * learns the address (`FluxServer.listening(source)`). Resolves once connections can arrive; rejects if the
   * port cannot be bound or the server stops first. `server`'s connection listener gets each connection of
   * this copy, as usual.
   */
  listen(server: Server, options: ListenOptions): Promise<ListenAddress>;
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
  /** Per source, where it runs under `workers` (see SourceMode); sources left out run 'once'. */
  readonly sourceModes?: Readonly<Record<string, SourceMode>>;
  readonly setup?: (ctx: SetupContext) => MaybePromise<void>;
}

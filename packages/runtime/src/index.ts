/** @flux/runtime: run a compiled Flux program (ProgramIR) with its implementation module. */

export type * from './api.ts';
export { start, RUNTIME_KINDS, defaultReportError } from './start.ts';
export type { FluxServer, StartOptions, StopOptions } from './start.ts';
export { io, setIoTransport, getIoTransport, ConnectionRegistry } from './io/index.ts';
export type { IoTransport } from './io/index.ts';
export { FluxError, FluxFlowError, FluxPlanError, codes, codeOf, messageOf } from './errors.ts';
export type { FluxErrorCode } from './errors.ts';

// For runtimes built on the core (src/threads/) and for tools.
export { buildPlan, isAsyncFunction } from './plan/build.ts';
export { describePath, enumeratePaths } from './plan/paths.ts';
export type { Plan, PlanSource, PlanNode, PlanOptions, PathDescription } from './plan/plan.ts';
export { Interpreter, isThenable } from './flow/interpreter.ts';
export type { FlowEnv, LockManager, Clock } from './flow/env.ts';
export { StatsRecorder } from './stats/recorder.ts';
export type { StatsOptions } from './stats/recorder.ts';
export { mergeSnapshots } from './stats/snapshot.ts';
export type { StatsSnapshot, NodeStats, EdgeStats, PathStats, FlowStats } from './stats/snapshot.ts';
export { systemClock } from './stats/clock.ts';
export { SharedBuffers } from './core/shared-buffers.ts';
export { implementationHref, loadImplementation } from './core/implementation.ts';
export type { RuntimeCore, RuntimeInstance, RuntimeOptions, RuntimeStarter, ThreadsModule } from './core/core.ts';
export { RWLock } from './locks/rwlock.ts';
export { EventLockManager } from './locks/event-lock-manager.ts';
export { runServer } from './cli/run-server.ts';
export type { RunServerOptions } from './cli/run-server.ts';
export { parseServerArgs } from './cli/args.ts';
export type { ServerArgs, OptionValue } from './cli/args.ts';

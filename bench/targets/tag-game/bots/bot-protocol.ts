/** The messages between the harness (bot-fleet.ts) and a bot process (bot-process.ts), over Node's IPC channel. */
import type { SparseHistogram } from './delay-histogram.ts';

export interface ConnectCommand {
  readonly type: 'connect';
  /** ws://127.0.0.1:<port>/ws */
  readonly url: string;
  /** Sent as the Origin header (the server's own origin). */
  readonly origin: string;
  readonly bots: number;
  /** Names are `<prefix><i>`. */
  readonly namePrefix: string;
  /** Milliseconds between two connections of this process (the ramp). */
  readonly connectIntervalMs: number;
  /** Inputs a second per bot. */
  readonly inputHz: number;
  /** One bot in this many chases the nearest player (parsing one state a second); the others wander. */
  readonly chaserEvery: number;
  readonly seed: number;
  /** Report `joined` by then (ms after the command) even if some bots are still waiting for their welcome: those count as failed. */
  readonly joinDeadlineMs: number;
}

/** Measure from startAt (Date.now() ms, the host clock every process shares) for endAt - startAt ms: a process that starts late still measures a whole window. */
export interface MeasureCommand {
  readonly type: 'measure';
  readonly startAt: number;
  readonly endAt: number;
}

export interface StopCommand {
  readonly type: 'stop';
}

export type FleetCommand = ConnectCommand | MeasureCommand | StopCommand;

export interface JoinedReport {
  readonly type: 'joined';
  /** Bots welcomed by the server. */
  readonly joined: number;
  readonly failed: number;
  /** Connections tried again after failing before their welcome. */
  readonly retries: number;
  /** The first few reasons a bot could not join. */
  readonly errors: readonly string[];
}

export interface MeasureReport {
  readonly type: 'measured';
  readonly windowMs: number;
  /** Bots connected when the window opened. */
  readonly bots: number;
  /** State frames received in the window, over all bots. */
  readonly states: number;
  /** Payload bytes of every frame received in the window. */
  readonly bytes: number;
  /** Fewest state frames one bot connected throughout received (-1 when none was). */
  readonly fewestStates: number;
  readonly inputsSent: number;
  /** Bots closed by the server in the window, by close code. */
  readonly closed: Readonly<Record<string, number>>;
  /** Delays from the frame's "time" to its receipt. */
  readonly delays: SparseHistogram;
  /** This process's CPU time in the window (user + system), in ms. */
  readonly cpuMs: number;
  /** The event loop's delay p99 in the window (ms): a busy bot process shows here first. */
  readonly loopDelayP99Ms: number;
  /** Frames that were neither states nor understood. */
  readonly unknownFrames: number;
}

export interface ErrorReport {
  readonly type: 'error';
  readonly message: string;
}

export type FleetReport = JoinedReport | MeasureReport | ErrorReport;

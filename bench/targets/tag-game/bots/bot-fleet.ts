/**
 * The harness's side of the bots: spreads `players` bots over bot processes (bot-process.ts, at most
 * `perProcess` each), ramps them in at `rampPerSecond` (joining thousands at once is a connect storm, not the
 * steady state measured), opens one measurement window in every process at the same wall-clock moment, and adds
 * up what they report: frames, bytes, delay histograms, and the bots' own CPU (so a run can say when the bots,
 * not the server, were near a core).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signalChild, trackChild } from '../../../src/process/children.ts';
import { DelayHistogram } from './delay-histogram.ts';
import type { FleetCommand, FleetReport, JoinedReport, MeasureReport } from './bot-protocol.ts';

const BOT_PROCESS = fileURLToPath(new URL('./bot-process.ts', import.meta.url));
/** The window opens this long after the command, so every process gets it first. */
const WINDOW_LEAD_MS = 300;

export interface FleetOptions {
  /** ws://127.0.0.1:<port>/ws */
  readonly url: string;
  /** The server's own origin, sent as Origin. */
  readonly origin: string;
  readonly players: number;
  readonly perProcess: number;
  readonly rampPerSecond: number;
  readonly inputHz: number;
  readonly chaserEvery: number;
  readonly seed: number;
  /** How long the bots may take to join (the ramp, and a server that welcomes slowly): past it, those not in count as failed. */
  readonly joinDeadlineMs: number;
  readonly signal?: AbortSignal;
}

export interface FleetMeasurement {
  readonly windowSeconds: number;
  /** Bots connected when the window opened. */
  readonly bots: number;
  /** State frames a second per bot, averaged over the bots: the tick rate the players got. */
  readonly tickRate: number;
  /** The fewest state frames a second one bot connected throughout got. */
  readonly slowestBotTickRate: number;
  readonly delayP50Ms: number;
  readonly delayP99Ms: number;
  readonly messagesPerSecond: number;
  readonly bytesPerSecond: number;
  readonly inputsPerSecond: number;
  /** Bots the server closed during the window, and with which codes. */
  readonly dropped: number;
  readonly closeCodes: Readonly<Record<string, number>>;
  /** The bots' CPU over the window: all processes (1 = one core), and the busiest one. */
  readonly botCores: number;
  readonly busiestProcessCores: number;
  readonly loopDelayP99Ms: number;
  readonly unknownFrames: number;
  readonly processes: number;
}

interface BotProcess {
  readonly child: ChildProcess;
  readonly bots: number;
  stderr: string;
  exited: boolean;
  waiter: { type: FleetReport['type']; resolve: (report: FleetReport) => void; reject: (error: Error) => void } | undefined;
}

/** How many processes for `players` bots, and how many bots each (as even as possible). */
export function splitBots(players: number, perProcess: number): number[] {
  const processes = Math.max(1, Math.ceil(players / perProcess));
  return Array.from({ length: processes }, (_, i) => Math.floor(players / processes) + (i < players % processes ? 1 : 0));
}

export class BotFleet {
  private readonly processes: BotProcess[];
  private readonly options: FleetOptions;

  private constructor(options: FleetOptions, processes: BotProcess[]) {
    this.options = options;
    this.processes = processes;
  }

  /** Starts the bot processes and waits until every bot joined (or could not): rejects when none could. */
  static async start(options: FleetOptions): Promise<{ fleet: BotFleet; joined: number; failed: number; retries: number; errors: string[] }> {
    const shares = splitBots(options.players, options.perProcess);
    const processes = shares.map((bots) => {
      const child = spawn(process.execPath, [BOT_PROCESS], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
      trackChild(child);
      const botProcess: BotProcess = { child, bots, stderr: '', exited: false, waiter: undefined };
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        botProcess.stderr = (botProcess.stderr + chunk).slice(-4000);
      });
      child.on('message', (report: FleetReport) => {
        const waiter = botProcess.waiter;
        if (report.type === 'error') {
          botProcess.waiter = undefined;
          waiter?.reject(new Error(`bot process: ${report.message}`));
        } else if (waiter && waiter.type === report.type) {
          botProcess.waiter = undefined;
          waiter.resolve(report);
        }
      });
      // A send on a channel that closed meanwhile reports here; the exit below says why.
      child.on('error', () => {});
      child.on('exit', (code, signal) => {
        botProcess.exited = true;
        const waiter = botProcess.waiter;
        botProcess.waiter = undefined;
        waiter?.reject(new Error(`a bot process exited (${signal ?? `code ${code}`})${botProcess.stderr ? `: ${botProcess.stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`));
      });
      return botProcess;
    });
    const fleet = new BotFleet(options, processes);
    const onAbort = () => void fleet.stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Each process connects its share at the same pace, so together they ramp at rampPerSecond.
      const connectIntervalMs = (processes.length * 1000) / options.rampPerSecond;
      const reports = await Promise.all(processes.map((p, i) => fleet.request<JoinedReport>(p, {
        type: 'connect', url: options.url, origin: options.origin, bots: p.bots, namePrefix: `bot${i}-`,
        connectIntervalMs, inputHz: options.inputHz, chaserEvery: options.chaserEvery, seed: options.seed * 1000 + i,
        joinDeadlineMs: options.joinDeadlineMs,
      }, 'joined')));
      const joined = reports.reduce((s, r) => s + r.joined, 0);
      const failed = reports.reduce((s, r) => s + r.failed, 0);
      const retries = reports.reduce((s, r) => s + r.retries, 0);
      const errors = reports.flatMap((r) => r.errors).slice(0, 5);
      if (joined === 0) throw new Error(`no bot could join: ${errors.join('; ') || 'no reason given'}`);
      return { fleet, joined, failed, retries, errors };
    } catch (error) {
      await fleet.stop();
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private request<T extends FleetReport>(p: BotProcess, command: FleetCommand, answer: T['type']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (p.exited) {
        reject(new Error('a bot process is gone'));
        return;
      }
      p.waiter = { type: answer, resolve: resolve as (report: FleetReport) => void, reject };
      p.child.send(command, (error) => {
        if (error && p.waiter?.reject === reject) {
          p.waiter = undefined;
          reject(new Error(`a bot process could not be told to ${command.type}: ${error.message}`));
        }
      });
    });
  }

  /** One measurement window of `durationMs` in every process at once, added up. */
  async measure(durationMs: number): Promise<FleetMeasurement> {
    const startAt = Date.now() + WINDOW_LEAD_MS;
    const reports = await Promise.all(this.processes.map((p) => this.request<MeasureReport>(p, { type: 'measure', startAt, endAt: startAt + durationMs }, 'measured')));
    const delays = new DelayHistogram();
    for (const r of reports) delays.add(r.delays);
    const windowSeconds = Math.max(...reports.map((r) => r.windowMs)) / 1000;
    const bots = reports.reduce((s, r) => s + r.bots, 0);
    const states = reports.reduce((s, r) => s + r.states, 0);
    const closeCodes: Record<string, number> = {};
    for (const r of reports) for (const [code, n] of Object.entries(r.closed)) closeCodes[code] = (closeCodes[code] ?? 0) + n;
    const fewest = reports.filter((r) => r.fewestStates >= 0).map((r) => r.fewestStates);
    return {
      windowSeconds,
      bots,
      tickRate: bots > 0 ? states / bots / windowSeconds : 0,
      slowestBotTickRate: fewest.length > 0 ? Math.min(...fewest) / windowSeconds : 0,
      delayP50Ms: delays.quantile(0.5),
      delayP99Ms: delays.quantile(0.99),
      messagesPerSecond: states / windowSeconds,
      bytesPerSecond: reports.reduce((s, r) => s + r.bytes, 0) / windowSeconds,
      inputsPerSecond: reports.reduce((s, r) => s + r.inputsSent, 0) / windowSeconds,
      dropped: Object.values(closeCodes).reduce((s, n) => s + n, 0),
      closeCodes,
      botCores: reports.reduce((s, r) => s + r.cpuMs, 0) / 1000 / windowSeconds,
      busiestProcessCores: Math.max(...reports.map((r) => r.cpuMs)) / 1000 / windowSeconds,
      loopDelayP99Ms: Math.max(...reports.map((r) => r.loopDelayP99Ms)),
      unknownFrames: reports.reduce((s, r) => s + r.unknownFrames, 0),
      processes: reports.length,
    };
  }

  /** Closes every bot and ends every process (SIGKILL to what has not exited after a second). */
  async stop(): Promise<void> {
    await Promise.all(this.processes.map(async (p) => {
      if (p.exited) return;
      const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
      if (p.child.connected) p.child.send({ type: 'stop' } satisfies FleetCommand, () => {});
      const timer = setTimeout(() => signalChild(p.child, 'SIGKILL'), 1000);
      await exited;
      clearTimeout(timer);
    }));
  }
}

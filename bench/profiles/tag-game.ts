/**
 * The tag game (servers/tag-game) against the same game written by hand with `ws` (targets/tag-game/ws-baseline.ts),
 * with full snapshots and with interest management: a scenario profile (src/scenario.ts). Each run starts bots in
 * processes of their own (targets/tag-game/bots/), ramps them in, lets them settle, measures one window, and
 * stops them:
 *
 *   pnpm bench tag-game --runtime=all --players 100,500,1000,2000,5000 --duration 10 --runs 3 --interest both
 *
 * Per target, player count and run: the tick rate the bots got, the state delay p50/p99 (the frame's "time" to
 * its receipt, one host clock), messages and bytes a second, the server's CPU (its process group in /proc), the
 * bots' CPU, players dropped, and "held": 20 Hz kept with p99 <= 50 ms with every player in.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BenchError, benchCodes } from '../src/errors.ts';
import { REPO_DIR } from '../src/paths.ts';
import type { TargetDefinition } from '../src/profile.ts';
import type { ScenarioProfile, ScenarioRunContext, ScenarioRunResult } from '../src/scenario.ts';
import { BotFleet } from '../targets/tag-game/bots/bot-fleet.ts';
import { processGroupCpuMs, processGroupRunQueueWaitMs } from '../targets/tag-game/process-cpu.ts';
import { DEFAULT_GAME } from '../../servers/tag-game/src/game/index.ts';

const SERVER = join(REPO_DIR, 'servers', 'tag-game', 'serve.ts');
const BASELINE = join(REPO_DIR, 'bench', 'targets', 'tag-game', 'ws-baseline.ts');

export const TAG_GAME_RUNTIMES = ['event', 'threadpool', 'thread', 'workers'] as const;
/** Held: at least this share of the tick rate, with the state delay p99 at most HELD_P99_MS. */
export const HELD_TICK_SHARE = 0.95;
export const HELD_P99_MS = 50;
/** Players away (disconnected) stay this long in both servers; a run waits it out before the next run joins. */
const GRACE_MS = 1000;
/** After the last bot joined, before the window opens: the steady state, not the ramp. */
const SETTLE_MS = 2000;
/** Area per player (arena units squared) when the arena is sized for the largest player count. */
const AREA_PER_PLAYER = 40_000;
/** Bot processes start within this. */
const START_MS = 1000;

/** The ramp twice over and 10 s: a server that cannot welcome the players that fast is measured with those it did. */
function joinDeadlineMs(players: number, settings: TagGameSettings): number {
  return (2 * players * 1000) / settings.rampPerSecond + 10_000;
}

type Mode = 'full' | 'interest';

export interface TagGameSettings {
  readonly modes: readonly Mode[];
  readonly arena: { readonly w: number; readonly h: number };
  readonly tickHz: number;
  readonly inputHz: number;
  readonly botsPerProcess: number;
  readonly rampPerSecond: number;
  readonly chaserEvery: number;
  readonly graceMs: number;
}

/** 20 Hz kept (HELD_TICK_SHARE of it) with the state delay p99 <= HELD_P99_MS, every player in. */
export function held(level: number, players: number, tickRate: number, delayP99: number, tickHz: number): boolean {
  return players >= level && tickRate >= HELD_TICK_SHARE * tickHz && delayP99 <= HELD_P99_MS;
}

function positiveInteger(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new BenchError(benchCodes.USAGE, `${flag} must be a positive integer, got "${raw}"`);
  return value;
}

export function parseModes(raw: string | undefined): Mode[] {
  switch (raw ?? 'both') {
    case 'off':
      return ['full'];
    case 'on':
      return ['interest'];
    case 'both':
      return ['full', 'interest'];
    default:
      throw new BenchError(benchCodes.USAGE, `--interest must be on, off or both, got "${raw}"`);
  }
}

/**
 * The arena: `auto` keeps the default arena's 3:2 shape and gives every player AREA_PER_PLAYER units squared at
 * `largestPlayers` (never smaller than the default), so that interest management sees a crowd of a few dozen
 * rather than the whole arena; or `<w>x<h>`. prepare passes 5,000 or the largest count if larger, so runs of
 * different counts share one arena and stay comparable.
 */
export function parseArena(raw: string | undefined, largestPlayers: number): { w: number; h: number } {
  const value = raw ?? 'auto';
  if (value === 'auto') {
    const area = Math.max(DEFAULT_GAME.arenaW * DEFAULT_GAME.arenaH, largestPlayers * AREA_PER_PLAYER);
    const aspect = DEFAULT_GAME.arenaW / DEFAULT_GAME.arenaH;
    const h = Math.round(Math.sqrt(area / aspect));
    return { w: Math.round(h * aspect), h };
  }
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (!match || Number(match[1]) <= 0 || Number(match[2]) <= 0) throw new BenchError(benchCodes.USAGE, `--arena must be auto or <w>x<h>, got "${value}"`);
  return { w: Number(match[1]), h: Number(match[2]) };
}

function gameArgs(settings: TagGameSettings): string[] {
  return [
    '--arena-w', String(settings.arena.w), '--arena-h', String(settings.arena.h),
    '--tick-hz', String(settings.tickHz), '--grace-ms', String(settings.graceMs),
  ];
}

function fluxTarget(runtime: string, mode: Mode, settings: TagGameSettings): TargetDefinition {
  return {
    id: `flux/${runtime}/${mode}`,
    role: 'flux',
    runtime,
    label: `flux (${runtime}, ${mode === 'full' ? 'full snapshots' : 'interest'})`,
    reference: `ws-${mode}`,
    launch: async () => ({
      label: `flux (${runtime}, ${mode})`,
      command: process.execPath,
      // Interest management is the Flux server's default; --full-state turns it off.
      args: [SERVER, '--runtime', runtime, '--port', '0', ...(mode === 'full' ? ['--full-state'] : []), ...gameArgs(settings)],
      cwd: REPO_DIR,
      readiness: { kind: 'announce' },
      readyTimeoutMs: 60_000,
    }),
  };
}

function baselineTarget(mode: Mode, settings: TagGameSettings): TargetDefinition {
  return {
    id: `ws-${mode}`,
    role: 'baseline',
    label: `ws (${mode === 'full' ? 'full snapshots' : 'interest'})`,
    launch: async () => ({
      label: `ws baseline (${mode})`,
      command: process.execPath,
      args: [BASELINE, '--port', '0', '--interest', mode === 'interest' ? 'on' : 'off', ...gameArgs(settings)],
      cwd: REPO_DIR,
      readiness: { kind: 'announce' },
    }),
  };
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => {
    clearTimeout(timer);
    resolve();
  }, { once: true });
});

async function runBots(context: ScenarioRunContext, settings: TagGameSettings, seed: number): Promise<ScenarioRunResult> {
  const origin = new URL(context.url).origin;
  const notes: string[] = [];
  const { fleet, failed, retries, errors } = await BotFleet.start({
    url: `${origin.replace(/^http/, 'ws')}/ws`,
    origin,
    players: context.level,
    perProcess: settings.botsPerProcess,
    rampPerSecond: settings.rampPerSecond,
    inputHz: settings.inputHz,
    chaserEvery: settings.chaserEvery,
    seed,
    joinDeadlineMs: joinDeadlineMs(context.level, settings),
    signal: context.signal,
  });
  try {
    if (failed > 0) notes.push(`${failed} of ${context.level} bots could not join (${errors.join('; ')})`);
    if (retries > 0) notes.push(`${retries} connections were tried again after failing before their welcome`);
    await sleep(SETTLE_MS, context.signal);
    if (context.signal.aborted) throw new Error('aborted');
    const cpuBefore = processGroupCpuMs(context.pid);
    const waitBefore = processGroupRunQueueWaitMs(context.pid);
    const startedAt = performance.now();
    const m = await fleet.measure(context.durationSeconds * 1000);
    const elapsedMs = performance.now() - startedAt;
    const cpuAfter = processGroupCpuMs(context.pid);
    const waitAfter = processGroupRunQueueWaitMs(context.pid);
    const serverCpu = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / elapsedMs : Number.NaN;
    const serverWait = waitBefore !== undefined && waitAfter !== undefined ? (waitAfter - waitBefore) / elapsedMs : Number.NaN;
    if (serverWait >= 0.2) {
      notes.push(`the server's threads waited for a CPU ${Math.round(serverWait * 100)}% of the window: the machine, not the server, may have set this run's figures`);
    }
    if (m.busiestProcessCores >= 0.8) {
      notes.push(`a bot process used ${Math.round(m.busiestProcessCores * 100)}% of a core (event loop delay p99 ${m.loopDelayP99Ms.toFixed(0)} ms): the bots may have limited this run; use more processes (--bots-per-process)`);
    }
    const inputRate = m.bots > 0 ? m.inputsPerSecond / m.bots : 0;
    if (inputRate < 0.9 * settings.inputHz) notes.push(`the bots sent ${inputRate.toFixed(1)} inputs/s each, short of ${settings.inputHz}: they were short of CPU`);
    if (m.dropped > 0) notes.push(`the server closed ${m.dropped} bots during the window (codes ${JSON.stringify(m.closeCodes)})`);
    if (m.unknownFrames > 0) notes.push(`${m.unknownFrames} frames were not state messages`);
    return {
      metrics: {
        players: m.bots,
        tickRate: m.tickRate,
        delayP50: m.delayP50Ms,
        delayP99: m.delayP99Ms,
        messagesPerSecond: m.messagesPerSecond,
        bytesPerSecond: m.bytesPerSecond,
        serverCpu,
        serverWait,
        botCpu: m.botCores,
        botMaxCpu: m.busiestProcessCores,
        inputRate,
        loadAverage: loadavg()[0],
        dropped: m.dropped,
        held: held(context.level, m.bots, m.tickRate, m.delayP99Ms, settings.tickHz) ? 1 : 0,
      },
      notes,
    };
  } finally {
    await fleet.stop();
    // The bots' players stay in the world for the grace period: wait it out so the next run starts empty.
    await sleep(settings.graceMs + 500, context.signal);
  }
}

export const tagGameProfile: ScenarioProfile = {
  kind: 'scenario',
  name: 'tag-game',
  summary: 'the tag game over WebSockets: bots in their own processes against each runtime and the hand-written ws server',
  runtimes: TAG_GAME_RUNTIMES,
  level: { name: 'players', description: 'player counts (bots, each a WebSocket sending inputs at --input-hz)', defaults: [100, 500, 1000, 2000, 5000] },
  metrics: [
    { name: 'players', label: 'in', format: 'rate', better: 'higher' },
    { name: 'tickRate', label: 'ticks/s', format: 'number', better: 'higher' },
    { name: 'delayP50', label: 'p50 ms', format: 'ms', better: 'lower' },
    { name: 'delayP99', label: 'p99 ms', format: 'ms', better: 'lower' },
    { name: 'messagesPerSecond', label: 'msgs/s', format: 'rate', better: 'higher' },
    { name: 'bytesPerSecond', label: 'MB/s', format: 'megabytes', better: 'higher' },
    { name: 'serverCpu', label: 'server CPU', format: 'percent', better: 'lower' },
    { name: 'serverWait', label: 'server waited', format: 'percent', better: 'lower' },
    { name: 'botCpu', label: 'bots CPU', format: 'percent', better: 'lower' },
    { name: 'botMaxCpu', label: 'busiest bot proc', format: 'percent', better: 'lower' },
    { name: 'inputRate', label: 'inputs/s a bot', format: 'number', better: 'higher' },
    // The machine's, not the server's: on a shared machine it says how much the other figures are worth.
    { name: 'loadAverage', label: 'load avg', format: 'number', better: 'lower' },
    { name: 'dropped', label: 'dropped', format: 'rate', better: 'lower' },
    { name: 'held', label: 'held runs', format: 'flag', better: 'higher' },
  ],
  primaryMetric: 'delayP99',
  chartMetrics: ['delayP99', 'tickRate'],
  capacity: {
    stopAtFirstMiss: true,
    description: `${HELD_TICK_SHARE * 100}% of the tick rate or more with state delay p99 <= ${HELD_P99_MS} ms and every player in, on the medians`,
    holds: (m, { level, workload }) => held(level, m.players, m.tickRate, m.delayP99, (workload as unknown as TagGameSettings).tickHz),
  },
  options: [
    { flags: '--interest <mode>', description: 'off (full snapshots), on (interest management), or both: each server runs once per mode', defaultValue: 'both' },
    { flags: '--arena <size>', description: 'auto (sized for 5,000 players, or the largest count if larger: the same arena whichever counts a run measures) or <w>x<h> arena units; the same for every target', defaultValue: 'auto' },
    { flags: '--bots-per-process <n>', description: 'bots a bot process runs at most', defaultValue: '500' },
    { flags: '--ramp <players/s>', description: 'how fast the players join (over every bot process)', defaultValue: '500' },
    { flags: '--input-hz <n>', description: 'inputs a second per bot', defaultValue: '20' },
    { flags: '--tick-hz <n>', description: 'the servers\' tick rate', defaultValue: '20' },
    { flags: '--chaser-every <n>', description: 'one bot in n chases the nearest player (parsing one state a second); the rest wander', defaultValue: '50' },
  ],
  fluxAvailable: () => (existsSync(SERVER) ? { available: true } : { available: false, reason: `the tag game server is not there yet (${SERVER})` }),
  async prepare({ seed, options, log }) {
    const modes = parseModes(options.interest);
    const levels = (options.players ?? '').split(',').map(Number).filter((n) => n > 0);
    const settings: TagGameSettings = {
      modes,
      arena: parseArena(options.arena, Math.max(5000, ...levels)),
      tickHz: positiveInteger('--tick-hz', options.tickHz, 20),
      inputHz: positiveInteger('--input-hz', options.inputHz, 20),
      botsPerProcess: positiveInteger('--bots-per-process', options.botsPerProcess, 500),
      rampPerSecond: positiveInteger('--ramp', options.ramp, 500),
      chaserEvery: positiveInteger('--chaser-every', options.chaserEvery, 50),
      graceMs: GRACE_MS,
    };
    log(`tag-game: arena ${settings.arena.w} x ${settings.arena.h}, ${settings.tickHz} Hz ticks, bots send ${settings.inputHz} inputs/s, join at ${settings.rampPerSecond}/s, at most ${settings.botsPerProcess} a process`);
    let runCount = 0;
    return {
      settings: { ...settings },
      driver: `ws bots, ${settings.botsPerProcess} a process at most, ${settings.inputHz} inputs/s each`,
      fluxTarget: (runtime) => fluxTarget(runtime, modes[0], settings),
      fluxTargets: (runtime) => modes.map((mode) => fluxTarget(runtime, mode, settings)),
      baselines: () => modes.map((mode) => ({ available: true as const, target: baselineTarget(mode, settings) })),
      // Start, join (up to the deadline), settle, the measurement's lead and reports, the grace period.
      overheadSeconds: (players) => (START_MS + joinDeadlineMs(players, settings) + SETTLE_MS + 1000 + settings.graceMs + 500) / 1000,
      run: (context) => runBots(context, settings, seed * 7919 + runCount++),
    };
  },
};

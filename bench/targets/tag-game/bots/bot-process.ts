/**
 * A bot process: many tag-game players over WebSockets, driven by the harness over IPC (bot-protocol.ts).
 *
 *   connect  open `bots` connections one every connectIntervalMs, each joins; report how many were welcomed
 *   measure  between startAt and endAt: count state frames and bytes, the delay from each frame's "time" to its
 *            receipt (read from the frame without JSON.parse, state-frame.ts), this process's CPU and loop delay
 *   stop     close every connection and exit
 *
 * Every bot sends {"type":"input","seq","dx","dy"} inputHz times a second: one timer for the process, serving one
 * of INPUT_GROUPS groups of bots at a time, so sends are spread over the period rather than bunched (and a late
 * firing catches up on the groups it missed). Most
 * bots wander (a new random direction every 0.5-2 s); one in chaserEvery parses one state a second and heads
 * for the nearest player it sees, so that tags happen.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createPrng, type Prng } from '../../../src/workload/prng.ts';
import { DelayHistogram } from './delay-histogram.ts';
import { readStateHeader } from './state-frame.ts';
import type { ConnectCommand, FleetCommand, FleetReport, MeasureCommand, MeasureReport } from './bot-protocol.ts';

const INPUT_GROUPS = 10;
const MAX_ERRORS_REPORTED = 5;

interface Bot {
  readonly index: number;
  socket: WebSocket;
  id: string | undefined;
  welcomed: boolean;
  closedCode: number | undefined;
  seq: number;
  dx: number;
  dy: number;
  turnAt: number;
  readonly chaser: boolean;
  nextParseAt: number;
  /** State frames received in the current window. */
  states: number;
  /** Connected when the current window opened. */
  inWindow: boolean;
}

function send(report: FleetReport): void {
  process.send?.(report);
}

let bots: Bot[] = [];
let prng: Prng = createPrng(1);
let inputTimer: NodeJS.Timeout | undefined;
const delays = new DelayHistogram();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let measuring = false;
let windowStates = 0;
let windowBytes = 0;
let windowInputs = 0;
let unknownFrames = 0;
const windowClosed: Record<string, number> = {};

function wander(bot: Bot, now: number): void {
  const angle = prng.next() * 2 * Math.PI;
  bot.dx = Math.round(Math.cos(angle) * 100) / 100;
  bot.dy = Math.round(Math.sin(angle) * 100) / 100;
  bot.turnAt = now + 500 + prng.next() * 1500;
}

/** A chaser's direction: towards the nearest other player in the state it was sent. */
function chase(bot: Bot, frame: Buffer): void {
  let state: { players?: { id: string; x: number; y: number }[] };
  try {
    state = JSON.parse(frame.toString('utf8')) as typeof state;
  } catch {
    return;
  }
  const players = state.players ?? [];
  const me = players.find((p) => p.id === bot.id);
  if (!me) return;
  let best: { x: number; y: number } | undefined;
  let bestD2 = Infinity;
  for (const p of players) {
    if (p.id === bot.id) continue;
    const d2 = (p.x - me.x) ** 2 + (p.y - me.y) ** 2;
    if (d2 < bestD2) {
      bestD2 = d2;
      best = p;
    }
  }
  if (!best || bestD2 === 0) return;
  const length = Math.sqrt(bestD2);
  bot.dx = Math.round(((best.x - me.x) / length) * 100) / 100;
  bot.dy = Math.round(((best.y - me.y) / length) * 100) / 100;
}

function onFrame(bot: Bot, data: Buffer): void {
  const received = Date.now();
  if (!bot.welcomed) return;
  const header = readStateHeader(data);
  if (header === undefined) {
    if (measuring) unknownFrames++;
    return;
  }
  if (measuring) {
    windowStates++;
    windowBytes += data.length;
    bot.states++;
    delays.record(received - header.time);
  }
  if (bot.chaser && received >= bot.nextParseAt) {
    bot.nextParseAt = received + 1000;
    chase(bot, data);
  }
}

function connect(command: ConnectCommand): void {
  prng = createPrng(command.seed);
  let pending = command.bots;
  let joined = 0;
  let failed = 0;
  let reported = false;
  let retries = 0;
  const errors: string[] = [];
  const report = () => {
    if (reported) return;
    reported = true;
    clearTimeout(deadline);
    send({ type: 'joined', joined, failed: failed + pending, retries, errors: pending > 0 ? [...errors, `${pending} bots not welcomed within ${command.joinDeadlineMs} ms`] : errors });
  };
  const deadline = setTimeout(report, command.joinDeadlineMs);
  const settle = (bot: Bot, error?: string) => {
    if (reported) return;
    if (error === undefined) joined++;
    else {
      failed++;
      if (errors.length < MAX_ERRORS_REPORTED) errors.push(`bot ${bot.index}: ${error}`);
    }
    if (--pending === 0) report();
  };
  const startedAt = Date.now();
  // A connection that fails before its welcome (a reset while the server's accept queue overflowed, a refusal)
  // is tried again after a short random pause, as a real client would, until the join deadline.
  const open = (index: number, previous?: Bot) => {
    const socket = new WebSocket(command.url, { perMessageDeflate: false, skipUTF8Validation: true, origin: command.origin, handshakeTimeout: 30_000 });
    const bot: Bot = previous ?? {
      index, socket, id: undefined, welcomed: false, closedCode: undefined, seq: 0, dx: 0, dy: 0, turnAt: 0,
      chaser: index % command.chaserEvery === command.chaserEvery - 1, nextParseAt: 0, states: 0, inWindow: false,
    };
    bot.socket = socket;
    if (!previous) bots.push(bot);
    let failed = false;
    const fail = (why: string) => {
      if (failed || bot.welcomed) return;
      failed = true;
      socket.terminate();
      const pause = 250 + prng.next() * 750;
      if (!reported && Date.now() + pause < startedAt + command.joinDeadlineMs) {
        retries++;
        setTimeout(() => open(index, bot), pause).unref();
      } else settle(bot, why);
    };
    socket.on('open', () => socket.send(`{"type":"join","name":"${command.namePrefix}${index}"}`));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (bot.welcomed) {
        onFrame(bot, data);
        return;
      }
      if (isBinary) return;
      let message: { type?: string; id?: string };
      try {
        message = JSON.parse(data.toString('utf8')) as typeof message;
      } catch {
        return;
      }
      if (message.type !== 'welcome') return;
      bot.id = message.id;
      bot.welcomed = true;
      wander(bot, Date.now());
      settle(bot);
    });
    socket.on('error', (error) => fail(error.message));
    socket.on('close', (code) => {
      if (!bot.welcomed) {
        fail(`closed with ${code} before the welcome`);
        return;
      }
      if (bot.socket !== socket) return;
      bot.closedCode = code;
      if (measuring && bot.inWindow) windowClosed[code] = (windowClosed[code] ?? 0) + 1;
    });
  };
  for (let i = 0; i < command.bots; i++) {
    if (command.connectIntervalMs <= 0) open(i);
    else setTimeout(() => open(i), i * command.connectIntervalMs).unref();
  }
  if (command.bots === 0) report();

  // Groups take turns, one every slotMs; a firing that comes late (a busy loop) serves every group whose turn
  // passed, so each bot still averages inputHz (at most one input per bot per firing).
  const slotMs = 1000 / command.inputHz / INPUT_GROUPS;
  let group = 0;
  let servedUntil = Date.now();
  inputTimer = setInterval(() => {
    const now = Date.now();
    const due = Math.min(INPUT_GROUPS, Math.floor((now - servedUntil) / slotMs));
    if (due <= 0) return;
    servedUntil = due === INPUT_GROUPS ? now : servedUntil + due * slotMs;
    for (let turn = 0; turn < due; turn++) {
      for (let i = group; i < bots.length; i += INPUT_GROUPS) {
        const bot = bots[i];
        if (!bot.welcomed || bot.socket.readyState !== WebSocket.OPEN) continue;
        if (!bot.chaser && now >= bot.turnAt) wander(bot, now);
        bot.seq++;
        bot.socket.send(`{"type":"input","seq":${bot.seq},"dx":${bot.dx},"dy":${bot.dy}}`);
        if (measuring) windowInputs++;
      }
      group = (group + 1) % INPUT_GROUPS;
    }
  }, slotMs);
}

function measure(command: MeasureCommand): void {
  const begin = () => {
    for (const bot of bots) {
      bot.states = 0;
      bot.inWindow = bot.welcomed && bot.socket.readyState === WebSocket.OPEN;
    }
    delays.reset();
    windowStates = windowBytes = windowInputs = unknownFrames = 0;
    for (const key of Object.keys(windowClosed)) delete windowClosed[key];
    loopDelay.reset();
    loopDelay.enable();
    const cpuStart = process.cpuUsage();
    const startedAt = Date.now();
    measuring = true;
    setTimeout(() => {
      measuring = false;
      loopDelay.disable();
      const cpu = process.cpuUsage(cpuStart);
      const throughout = bots.filter((b) => b.inWindow && b.socket.readyState === WebSocket.OPEN);
      const report: MeasureReport = {
        type: 'measured',
        windowMs: Date.now() - startedAt,
        bots: bots.filter((b) => b.inWindow).length,
        states: windowStates,
        bytes: windowBytes,
        fewestStates: throughout.length === 0 ? -1 : Math.min(...throughout.map((b) => b.states)),
        inputsSent: windowInputs,
        closed: { ...windowClosed },
        delays: delays.sparse(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        unknownFrames,
      };
      send(report);
    }, command.endAt - command.startAt);
  };
  setTimeout(begin, Math.max(0, command.startAt - Date.now()));
}

function stop(): void {
  if (inputTimer) clearInterval(inputTimer);
  for (const bot of bots) bot.socket.terminate();
  bots = [];
  process.disconnect?.();
  setTimeout(() => process.exit(0), 100).unref();
}

process.on('message', (command: FleetCommand) => {
  try {
    if (command.type === 'connect') connect(command);
    else if (command.type === 'measure') measure(command);
    else if (command.type === 'stop') stop();
  } catch (error) {
    send({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
});
// The harness went away: nothing left to report to.
process.on('disconnect', () => {
  if (inputTimer) clearInterval(inputTimer);
  for (const bot of bots) bot.socket.terminate();
  process.exit(0);
});

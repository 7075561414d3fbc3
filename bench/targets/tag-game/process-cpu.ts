/**
 * CPU time of a process group from /proc (Linux): utime + stime of every process whose group is `pgid`, all their
 * threads included; and the time its threads waited for a CPU while runnable (schedstat). A target runs in a group of its own (the harness starts it detached), so this is the server's
 * CPU whether it uses threads or child processes, and none of the bots'.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Clock ticks a second (USER_HZ): the unit of utime and stime. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime (ms) and the group of one /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
export function parseStat(line: string): { pgrp: number; cpuTicks: number } | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  // After "pid (comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const fields = line.slice(close + 2).split(' ');
  const pgrp = Number(fields[2]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(pgrp) || !Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { pgrp, cpuTicks: utime + stime };
}

/** The pids of the group's processes (undefined where /proc is missing), and their CPU ticks. */
function groupProcesses(pgid: number): { pids: string[]; cpuTicks: number } | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const pids: string[] = [];
  let cpuTicks = 0;
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 0x30 || entry.charCodeAt(0) > 0x39) continue;
    let line: string;
    try {
      line = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const stat = parseStat(line);
    if (stat && stat.pgrp === pgid) {
      pids.push(entry);
      cpuTicks += stat.cpuTicks;
    }
  }
  return { pids, cpuTicks };
}

/** CPU milliseconds used so far by every process of the group; undefined where /proc is missing. */
export function processGroupCpuMs(pgid: number): number | undefined {
  const group = groupProcesses(pgid);
  return group && group.pids.length > 0 ? (group.cpuTicks * 1000) / ticksPerSecond() : undefined;
}

/**
 * Milliseconds the group's threads have spent runnable but waiting for a CPU (the second field of
 * /proc/<pid>/task/<tid>/schedstat, summed): on a shared machine, time the server lost to the others, not to its
 * own work. Undefined where schedstat is missing (a kernel without CONFIG_SCHEDSTATS).
 */
export function processGroupRunQueueWaitMs(pgid: number): number | undefined {
  const group = groupProcesses(pgid);
  if (!group || group.pids.length === 0) return undefined;
  let waitNs = 0;
  let found = false;
  for (const pid of group.pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ');
        const wait = Number(fields[1]);
        if (Number.isFinite(wait)) {
          waitNs += wait;
          found = true;
        }
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return found ? waitNs / 1e6 : undefined;
}

/**
 * Reads a statistics file (`--stats-out`, or `server.stats()` written as JSON) and checks that it is a
 * version 2 snapshot with a profile, so the rest of `flux profile` can trust its shape. Every refusal says
 * what the file is and what was expected.
 */

import { readFileSync } from 'node:fs';
import type { HistogramJson } from '@flux/runtime/stats/histogram.ts';
import type { StatsSnapshot } from '@flux/runtime/stats/snapshot.ts';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

export function readSnapshotFile(file: string): StatsSnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SnapshotError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
    throw new SnapshotError(`${file}: not JSON (${reason}); expected a statistics file written by --stats-out`);
  }
  return validateSnapshot(json, file);
}

/** Checks the parts `flux profile` reads; returns the value typed. */
export function validateSnapshot(json: unknown, file = 'the snapshot'): StatsSnapshot {
  const fail = (what: string): never => {
    throw new SnapshotError(`${file}: ${what}`);
  };
  if (!isObject(json)) return fail('not a statistics snapshot (expected a JSON object written by --stats-out)');
  if (!('flows' in json) || !('nodes' in json) || !('paths' in json)) {
    return fail('not a statistics snapshot (no flows, nodes or paths); expected a file written by --stats-out');
  }
  if (json['version'] === undefined) {
    return fail('a version 1 snapshot (no profile): record it again with this runtime, which writes version 2');
  }
  if (json['version'] !== 2) return fail(`snapshot version ${JSON.stringify(json['version'])}; this flux profile reads version 2`);
  if (typeof json['program'] !== 'string' || typeof json['runtime'] !== 'string') fail('program and runtime must be strings');
  const flows = json['flows'];
  if (!isObject(flows)) return fail('flows must be an object');
  for (const k of ['started', 'ok', 'error', 'overload']) if (typeof flows[k] !== 'number') fail(`flows.${k} must be a number`);
  if (!isObject(json['nodes'])) fail('nodes must be an object');
  for (const [name, n] of Object.entries(json['nodes'] as Record<string, unknown>)) {
    if (!isObject(n) || typeof n['calls'] !== 'number' || typeof n['cpuMs'] !== 'number' || typeof n['wallMs'] !== 'number') {
      fail(`nodes.${name} must have numeric calls, cpuMs and wallMs`);
    }
  }
  if (!Array.isArray(json['paths'])) fail('paths must be a list');
  (json['paths'] as unknown[]).forEach((p, i) => {
    if (!isObject(p) || !Array.isArray(p['nodes']) || typeof p['count'] !== 'number' || typeof p['totalMs'] !== 'number') {
      fail(`paths[${i}] must have nodes, count and totalMs`);
    }
  });
  if (!Array.isArray(json['edges'])) fail('edges must be a list');
  const profile = json['profile'];
  if (!isObject(profile)) return fail('no profile object');
  for (const k of ['sampleEvery', 'durationMs', 'cores', 'threads']) if (typeof profile[k] !== 'number') fail(`profile.${k} must be a number`);
  checkHistogram(profile['flowUs'], 'profile.flowUs', fail);
  for (const key of ['nodes', 'sources', 'locks'] as const) if (!isObject(profile[key])) fail(`profile.${key} must be an object`);
  for (const [name, n] of Object.entries(profile['nodes'] as Record<string, unknown>)) {
    if (!isObject(n)) return fail(`profile.nodes.${name} must be an object`);
    checkHistogram(n['cpuUs'], `profile.nodes.${name}.cpuUs`, fail);
    checkHistogram(n['wallUs'], `profile.nodes.${name}.wallUs`, fail);
  }
  for (const [name, l] of Object.entries(profile['locks'] as Record<string, unknown>)) {
    if (!isObject(l) || typeof l['acquisitions'] !== 'number' || typeof l['contended'] !== 'number') {
      return fail(`profile.locks.${name} must have numeric acquisitions and contended`);
    }
    if (l['mode'] !== 'exclusive' && l['mode'] !== 'shared' && l['mode'] !== 'mixed') fail(`profile.locks.${name}.mode must be exclusive, shared or mixed`);
    checkHistogram(l['waitUs'], `profile.locks.${name}.waitUs`, fail);
    checkHistogram(l['holdUs'], `profile.locks.${name}.holdUs`, fail);
    if (l['exclusiveHoldUs'] !== undefined) checkHistogram(l['exclusiveHoldUs'], `profile.locks.${name}.exclusiveHoldUs`, fail);
  }
  if (profile['asyncWaitUs'] !== undefined) {
    if (!isObject(profile['asyncWaitUs'])) fail('profile.asyncWaitUs must be an object');
    for (const [name, h] of Object.entries(profile['asyncWaitUs'] as Record<string, unknown>)) checkHistogram(h, `profile.asyncWaitUs.${name}`, fail);
  }
  for (const k of ['queueWaitUs', 'crossingUs']) if (profile[k] !== undefined) checkHistogram(profile[k], `profile.${k}`, fail);
  return json as unknown as StatsSnapshot;
}

function checkHistogram(h: unknown, where: string, fail: (what: string) => never): asserts h is HistogramJson {
  if (!isObject(h)) fail(`${where} must be a histogram`);
  const o = h as Record<string, unknown>;
  if (o['scale'] !== 'log2/4-us') fail(`${where}: histogram scale ${JSON.stringify(o['scale'])}, expected "log2/4-us"`);
  for (const k of ['count', 'sumUs', 'minUs', 'maxUs']) if (typeof o[k] !== 'number') fail(`${where}.${k} must be a number`);
  if (!Array.isArray(o['buckets']) || !(o['buckets'] as unknown[]).every((b) => typeof b === 'number' && b >= 0)) {
    fail(`${where}.buckets must be a list of counts`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

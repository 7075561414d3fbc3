/**
 * The profile as heat on the program's picture (`--svg`): each concrete node filled by its share of node CPU,
 * each edge as wide as the flows along it, each lock coloured by its share of the lock wait.
 */

import type { GraphHeat, HeatShare, NodeTraffic } from '@flux/compiler/graph/index.ts';
import type { StatsSnapshot } from '@flux/runtime/stats/snapshot.ts';
import type { Analysis } from './analyze.ts';
import { pct, us } from './verdict.ts';

export function heatOf(s: StatsSnapshot, a: Analysis): GraphHeat {
  const nodes: Record<string, HeatShare> = {};
  for (const n of a.nodes) {
    nodes[n.name] = {
      share: n.cpuShare,
      label: `${pct(n.cpuShare)} CPU · ${us(n.cpu.meanUs)}`,
      detail: `${pct(n.cpuShare)} of node CPU; per call CPU ${us(n.cpu.meanUs)}, blocking ${us(n.blocking.meanUs)}, wall ${us(n.wall.meanUs)}; ${n.calls} calls`,
    };
  }
  const traffic: Record<string, { entered: number; ok: number; failed: number }> = {};
  const at = (name: string): { entered: number; ok: number; failed: number } => (traffic[name] ??= { entered: 0, ok: 0, failed: 0 });
  for (const e of s.edges) {
    if (e.to === '(error)') at(e.from).failed += e.count;
    else at(e.from).ok += e.count;
    if (e.to !== '(end)' && e.to !== '(error)') at(e.to).entered += e.count;
  }
  const locks: Record<string, HeatShare> = {};
  for (const l of a.locks) {
    locks[l.name] = { share: l.waitShare, label: `${pct(l.waitShare)} of lock wait`, detail: `waited ${pct(l.contendedShare)} of ${l.acquisitions} acquisitions; hold ${us(l.hold.meanUs)}` };
  }
  const caption = `${a.program} under ${a.runtime}: fill = share of node CPU, edges = flows (${a.completed} completed), red locks = share of lock wait`;
  return { caption, nodes, traffic: traffic as Record<string, NodeTraffic>, locks };
}

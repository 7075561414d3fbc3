/** The profile as aligned plain text: verdict first, then hot paths, nodes, locks and the runtime's waits. */

import type { Analysis, Spread } from './analyze.ts';
import { pct, rate, us, type Verdict } from './verdict.ts';

/** Columns aligned: text left, numbers right (a column is numeric when every body cell starts with a digit). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.∞]/.test(r[i] ?? '') || (r[i] ?? '') === ''));
  const line = (cells: readonly string[], header: boolean): string =>
    cells
      .map((c, i) => (numeric[i] && !header ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head, true), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map((r) => line(r, false))].join('\n');
}

export interface RenderOptions {
  /** Hot paths to list. */
  readonly top: number;
}

export function renderText(a: Analysis, v: Verdict, options: RenderOptions): string {
  const out: string[] = [];
  out.push(`flux profile: ${a.program} under ${a.runtime}, ${count(a.completed)} flows in ${(a.durationMs / 1000).toFixed(1)} s, ${a.cores} core${a.cores === 1 ? '' : 's'}, timing 1 call in ${a.sampleEvery || '∞'}`);
  out.push('');
  out.push('Verdict');
  for (const l of v.lines) out.push(`  ${l}`);
  for (const w of a.warnings) out.push(`  Note: ${w}`);
  if (v.bounds.length > 0) {
    out.push('');
    out.push(
      indent(
        table(
          ['bound', 'flows/s at most', 'demand/flow', 'serves at once', 'largest part'],
          v.bounds.map((b) => [
            b.kind === 'lock' ? `lock ${b.name}` : b.name,
            rate(b.flowsPerSecond),
            us(b.demandUs),
            String(b.parallelism),
            b.contributors[0] === undefined ? '' : `${b.contributors[0].name} ${pct(b.contributors[0].share)}`,
          ]),
        ),
      ),
    );
  }

  out.push('');
  out.push(`Hot paths (frequency x time, top ${Math.min(options.top, a.hotPaths.length)} of ${a.hotPaths.length})`);
  out.push(
    indent(
      table(
        ['#', 'share', 'flows', 'mean', 'path'],
        a.hotPaths.slice(0, options.top).map((p, i) => [String(i + 1), pct(p.share), count(p.count), ms(p.meanMs), `${p.source}: ${p.nodes.join(' → ')}${p.ending === 'ok' ? '' : ` ✗ ${p.ending}`}`]),
      ),
    ),
  );

  out.push('');
  out.push('Nodes (per call: mean / p50 / p99; CPU mean by the thread CPU clock (at most the synchronous wall time), its p50/p99 by the wall clock; per flow: calls per flow x mean)');
  out.push(
    indent(
      table(
        ['node', 'calls', 'CPU', 'blocking (wall - CPU)', 'wall', 'CPU/flow', 'CPU share'],
        a.nodes.map((n) => [n.name, count(n.calls), spreadText(n.cpu), spreadText(n.blocking), spreadText(n.wall), us(n.cpuPerFlowUs), pct(n.cpuShare)]),
      ),
    ),
  );
  if (a.idle.length > 0) out.push(`  Not called: ${a.idle.join(', ')}.`);
  if (a.processCpuPerFlowUs > 0) {
    out.push(
      `  CPU per flow: ${us(a.nodeCpuPerFlowUs)} in nodes, ${us(a.mainThreadCpuPerFlowUs)} on the main thread, ${us(a.processCpuPerFlowUs)} for the whole process (every thread, GC and libuv's pool included).`,
    );
  }

  out.push('');
  if (a.locks.length === 0) out.push('Locks: none taken (none in the program, or all elided under this runtime).');
  else {
    out.push('Locks (per acquisition: mean / p50 / p99)');
    out.push(
      indent(
        table(
          ['lock', 'mode', 'taken', 'exclusive', 'waited', 'wait', 'hold', 'hold/flow', 'exclusive hold/flow', 'wait share'],
          a.locks.map((l) => [
            l.name,
            l.mode,
            count(l.acquisitions),
            pct(l.exclusiveShare),
            pct(l.contendedShare),
            spreadText(l.wait),
            spreadText(l.hold),
            us(l.holdPerFlowUs),
            us(l.exclusiveHoldPerFlowUs),
            pct(l.waitShare),
          ]),
        ),
      ),
    );
  }

  out.push('');
  const extra: string[] = [`flow (start to end) ${spreadText(a.flow)}`];
  if (a.queueWait !== null) extra.push(`queue wait ${spreadText(a.queueWait)}`);
  if (a.crossing !== null) extra.push(`thread crossing ${spreadText(a.crossing)}`);
  extra.push(`connections open: mean ${a.connections.meanOpen.toFixed(1)}, max ${a.connections.maxOpen}`);
  out.push('Runtime');
  for (const e of extra) out.push(`  ${e}`);
  return `${out.join('\n')}\n`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function spreadText(s: Spread): string {
  if (s.samples === 0) return s.meanUs > 0 ? `${us(s.meanUs)} / - / -` : '-';
  return `${us(s.meanUs)} / ${us(s.p50Us)} / ${us(s.p99Us)}`;
}

function ms(x: number): string {
  return x === 0 ? '-' : us(x * 1000);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

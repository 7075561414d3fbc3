/**
 * `flux profile <stats.json> [--program f.flux] [--svg out.svg] [--json] [--top n]`: reads a statistics
 * snapshot (`--stats-out`), prints the verdict (what limits throughput, by how much), hot paths, per node CPU,
 * blocking and wall time, per lock wait and hold; `--svg` draws the program with that heat (needs --program);
 * `--json` prints the analysis and verdict as JSON instead of text. Exit 1 on misuse or an unreadable file.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compile, formatDiagnostics, type ProgramIR } from '@flux/compiler';
import type { StatsSnapshot } from '@flux/runtime/stats/snapshot.ts';
import type { CliIO } from '../cli/main.ts';
import { analyze } from './analyze.ts';
import { heatOf } from './heat.ts';
import { readSnapshotFile, SnapshotError } from './read-snapshot.ts';
import { renderText } from './render-text.ts';
import { verdictOf } from './verdict.ts';

const USAGE = `usage: flux profile <stats.json> [--program <f.flux>] [--svg <out.svg>] [--json] [--top <n>]
  <stats.json>        a statistics snapshot written by a server's --stats-out (version 2)
  --program <f.flux>  the program it came from (checked against the snapshot; needed for --svg)
  --svg <out.svg>     draw the program with the profile's heat (node CPU, edge traffic, lock wait)
  --json              print the analysis and verdict as JSON
  --top <n>           hot paths to list (default 10)
`;

class UsageError extends Error {}

export async function runProfileCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        program: { type: 'string' },
        svg: { type: 'string' },
        json: { type: 'boolean', default: false },
        top: { type: 'string', default: '10' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.stderr(`flux profile: ${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'expected a statistics file' : `expected one statistics file, got ${positionals.length}`);
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got ${values.top}`);
    if (values.svg !== undefined && values.program === undefined) throw new UsageError('--svg needs --program <f.flux> (the picture is drawn from the program)');
    const snapshot = readSnapshotFile(resolve(io.cwd, positionals[0]!));
    const ir = values.program === undefined ? null : loadProgram(resolve(io.cwd, values.program), snapshot);
    const analysis = analyze(snapshot);
    const verdict = verdictOf(analysis);
    if (values.svg !== undefined && ir !== null) {
      const { renderGraphSvg } = await import('@flux/compiler/graph/index.ts');
      const svg = await renderGraphSvg(ir, { title: `${ir.program}: profile`, heat: heatOf(snapshot, analysis) });
      writeFileSync(resolve(io.cwd, values.svg), svg);
    }
    if (values.json) io.stdout(`${JSON.stringify({ analysis, verdict }, null, 2)}\n`);
    else io.stdout(renderText(analysis, verdict, { top }));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) io.stderr(`flux profile: ${error.message}\n${USAGE}`);
    else if (error instanceof SnapshotError || error instanceof ProgramError) io.stderr(`flux profile: ${error.message}\n`);
    else io.stderr(`flux profile: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

class ProgramError extends Error {}

/** Compiles the program and checks that the snapshot is of it (same name, its nodes). */
function loadProgram(file: string, snapshot: StatsSnapshot): ProgramIR {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProgramError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const result = compile(text, file);
  if (result.ir === undefined) throw new ProgramError(`${file} does not compile:\n${formatDiagnostics(result.diagnostics, new Map([[file, result.source]]))}`);
  const ir = result.ir;
  if (ir.program !== snapshot.program) throw new ProgramError(`the snapshot is of program ${snapshot.program}, not ${ir.program} (${file})`);
  const names = new Set(ir.nodes.map((n) => n.name));
  const unknown = Object.keys(snapshot.nodes).filter((n) => !names.has(n));
  if (unknown.length > 0) throw new ProgramError(`the snapshot names nodes ${file} does not have: ${unknown.join(', ')} (a different version of the program?)`);
  return ir;
}

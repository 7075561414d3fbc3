/**
 * The `flux` command: `check`, `build` and `graph`. Run from the repository root as `pnpm flux <command>`.
 * Exit status 1 when any program has an error (or the command is misused), 0 otherwise.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { programNameOf } from '../codegen/ir.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { formatDiagnostics, formatDiagnosticsJson } from '../diagnostics/format.ts';
import { compile, checkProgram } from '../index.ts';
import { createSource, type Source } from '../language/source.ts';

export const RUNTIMES = ['event', 'threadpool', 'thread', 'workers'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What `build` records beside the IR: the runtime chosen and the files written. */
export interface BuildManifest {
  readonly runtime: RuntimeName;
  readonly irFile: string;
  readonly typesFile: string;
}

type Format = 'text' | 'json';

function formatOption(): Option {
  return new Option('--format <format>', 'diagnostics as human-readable text or JSON for tools').choices(['text', 'json']).default('text');
}

function report(io: CliIO, format: Format, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, Source>): void {
  if (format === 'json') {
    io.stdout(formatDiagnosticsJson(diagnostics, sources) + '\n');
    return;
  }
  if (diagnostics.length > 0) io.stderr(formatDiagnostics(diagnostics, sources));
  const errors = diagnostics.filter((d) => d.category === 'error').length;
  const warnings = diagnostics.filter((d) => d.category === 'warning').length;
  if (errors + warnings > 0) io.stderr(`${errors} error(s), ${warnings} warning(s)\n`);
}

async function readProgram(io: CliIO, file: string): Promise<string> {
  return readFile(resolve(io.cwd, file), 'utf8');
}

/** Runs the CLI on `argv` (without the node and script paths) and returns the exit status. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let status = 0;
  const program = new Command('flux')
    .description('Flux for TypeScript: check, build and draw .flux programs')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError();

  program
    .command('check')
    .description('check programs and report every problem')
    .argument('<file...>', '.flux programs')
    .addOption(formatOption())
    .action(async (files: string[], options: { format: Format }) => {
      const diagnostics: Diagnostic[] = [];
      const sources = new Map<string, Source>();
      for (const file of files) {
        const text = await readProgram(io, file);
        sources.set(file, createSource(text, file));
        diagnostics.push(...checkProgram(text, file).diagnostics);
      }
      report(io, options.format, diagnostics, sources);
      if (diagnostics.some((d) => d.category === 'error')) status = 1;
    });

  program
    .command('build')
    .description('check a program and write <name>.ir.json, <name>.flux.ts and <name>.build.json')
    .argument('<file>', '.flux program')
    .addOption(new Option('--runtime <runtime>', 'runtime the build is meant for').choices(RUNTIMES).makeOptionMandatory())
    .requiredOption('--out <dir>', 'output directory')
    .addOption(formatOption())
    .action(async (file: string, options: { runtime: RuntimeName; out: string; format: Format }) => {
      const text = await readProgram(io, file);
      const outDir = resolve(io.cwd, options.out);
      const result = compile(text, resolve(io.cwd, file), { outDir });
      // Report under the path as the user wrote it.
      const diagnostics = result.diagnostics.map((d) => ({ ...d, file, related: d.related.map((r) => (r.file === undefined ? r : { ...r, file })) }));
      report(io, options.format, diagnostics, new Map([[file, createSource(text, file)]]));
      if (result.ir === undefined || result.typesModule === undefined) {
        status = 1;
        return;
      }
      const name = programNameOf(basename(file));
      const manifest: BuildManifest = { runtime: options.runtime, irFile: `${name}.ir.json`, typesFile: `${name}.flux.ts` };
      await mkdir(outDir, { recursive: true });
      await writeFile(join(outDir, manifest.irFile), JSON.stringify(result.ir, null, 2) + '\n');
      await writeFile(join(outDir, manifest.typesFile), result.typesModule);
      await writeFile(join(outDir, `${name}.build.json`), JSON.stringify(manifest, null, 2) + '\n');
      if (options.format === 'text') io.stdout(`wrote ${manifest.irFile}, ${manifest.typesFile} and ${name}.build.json to ${options.out}\n`);
    });

  program
    .command('graph')
    .description('draw a program as SVG (to stdout, or to --out)')
    .argument('<file>', '.flux program')
    .option('--out <file>', 'SVG file to write')
    .addOption(formatOption())
    .action(async (file: string, options: { out?: string; format: Format }) => {
      const text = await readProgram(io, file);
      const result = compile(text, file);
      report(io, options.format, result.diagnostics, new Map([[file, result.source]]));
      if (result.ir === undefined) {
        status = 1;
        return;
      }
      const { renderGraphSvg } = await import('../graph/index.ts');
      const svg = await renderGraphSvg(result.ir);
      if (options.out === undefined) io.stdout(svg);
      else await writeFile(resolve(io.cwd, options.out), svg);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stderr(`flux: cannot read ${(error as NodeJS.ErrnoException).path ?? 'file'}\n`);
      return 1;
    }
    throw error;
  }
  return status;
}

if (import.meta.main) {
  const status = await runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  process.exitCode = status;
}

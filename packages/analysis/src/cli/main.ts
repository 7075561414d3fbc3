/**
 * `flux profile` and `flux simulate` (routed here by scripts/flux.ts). Exit status 1 on misuse or unreadable
 * input, 0 otherwise.
 */

export interface CliIO {
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'profile':
      return (await import('../profile/command.ts')).runProfileCommand(rest, io);
    case 'simulate':
      return (await import('../simulate/command.ts')).runSimulateCommand(rest, io);
    default:
      io.stderr(`flux: unknown analysis command ${String(command)} (profile, simulate)\n`);
      return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

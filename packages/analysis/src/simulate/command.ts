import type { CliIO } from '../cli/main.ts';

export async function runSimulateCommand(_argv: readonly string[], io: CliIO): Promise<number> {
  io.stderr('flux simulate: not built yet\n');
  return 1;
}

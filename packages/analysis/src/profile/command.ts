import type { CliIO } from '../cli/main.ts';

export async function runProfileCommand(_argv: readonly string[], io: CliIO): Promise<number> {
  io.stderr('flux profile: not built yet\n');
  return 1;
}

/**
 * Regenerates src/web.flux.ts (the program's types module) from web.flux with the Flux compiler.
 * `node tools/generate-types.ts` writes it; `--check` only reports whether the committed file is up to date.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { compileProgram, TYPES_FILE } from '../src/program.ts';

const { typesModule } = compileProgram();
if (process.argv.includes('--check')) {
  const current = await readFile(TYPES_FILE, 'utf8').catch(() => '');
  if (current !== typesModule) {
    process.stderr.write('src/web.flux.ts is out of date: run node tools/generate-types.ts\n');
    process.exit(1);
  }
} else {
  await writeFile(TYPES_FILE, typesModule);
}

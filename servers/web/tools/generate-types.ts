/**
 * Regenerates src/web.flux.ts (the program's types module) from web.flux with the Flux compiler.
 * `node tools/generate-types.ts` writes it; `--check` only reports whether the committed file is up to date.
 */

import { readFile } from 'node:fs/promises';
import { webServer } from '../src/server.ts';

if (process.argv.includes('--check')) {
  const current = await readFile(webServer.typesFile, 'utf8').catch(() => '');
  if (current !== webServer.compile().typesModule) {
    process.stderr.write('src/web.flux.ts is out of date: run node tools/generate-types.ts\n');
    process.exit(1);
  }
} else {
  webServer.writeTypes();
}

/**
 * `pnpm serve <server> [options]`: runs servers/<server>/serve.ts with the remaining arguments, in this same
 * process (so signals sent to it reach the server directly). `pnpm serve` alone lists the servers.
 */

import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));

function servers(): string[] {
  if (!existsSync(serversDir)) return [];
  return readdirSync(serversDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(serversDir, entry.name, 'serve.ts')))
    .map((entry) => entry.name)
    .sort();
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  process.stdout.write(`usage: pnpm serve <server> [options]   (servers: ${servers().join(', ')})\n` +
    '       pnpm serve <server> --help   lists that server\'s options\n');
  process.exit(name === undefined ? 1 : 0);
}
if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !servers().includes(name)) {
  process.stderr.write(`serve: no server "${name}" (servers: ${servers().join(', ')})\n`);
  process.exit(1);
}

// The server's serve.ts reads its flags from process.argv.slice(2), as if it had been started directly.
const script = join(serversDir, name, 'serve.ts');
process.argv = [process.argv[0], script, ...args];
await import(pathToFileURL(script).href);

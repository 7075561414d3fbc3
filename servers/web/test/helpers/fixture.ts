/** A served directory for tests: a few files, a subdirectory with an index, symlinks in and out, a secret outside. */

import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fixture {
  /** The temporary directory; `root` is inside it, `secret.txt` beside it. */
  readonly base: string;
  readonly root: string;
  readonly secret: string;
  /** Bytes of `large.bin` (over the test cache's per-file limit). */
  readonly large: Buffer;
  remove(): Promise<void>;
}

export const SECRET = 'TOP-SECRET-DO-NOT-SERVE';
/** The cache's per-file limit the tests use: large.bin is over it. */
export const CACHE_FILE_BYTES = 64 * 1024;

export async function makeFixture(): Promise<Fixture> {
  const base = await mkdtemp(join(tmpdir(), 'flux-web-'));
  const root = join(base, 'root');
  await mkdir(join(root, 'sub', 'deeper'), { recursive: true });
  await mkdir(join(root, 'noindex'));
  await mkdir(join(root, 'space dir'));
  const secret = join(base, 'secret.txt');
  await writeFile(secret, SECRET);
  await writeFile(join(root, 'index.html'), '<h1>home</h1>\n');
  await writeFile(join(root, 'hello.txt'), 'hello, world\n');
  await writeFile(join(root, 'digits.txt'), '0123456789');
  await writeFile(join(root, 'style.css'), 'body { color: red }\n');
  await writeFile(join(root, 'data.json'), '{"a":1}\n');
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'noext'), 'no extension');
  await writeFile(join(root, 'sub', 'index.html'), '<p>sub index</p>\n');
  await writeFile(join(root, 'sub', 'deeper', 'file.txt'), 'deep file\n');
  await writeFile(join(root, 'space dir', 'caf\u00e9 \u00fc.txt'), 'unicode name\n');
  const large = Buffer.alloc(CACHE_FILE_BYTES * 3 + 123);
  for (let i = 0; i < large.length; i++) large[i] = (i * 7 + (i >> 8)) & 0xff;
  await writeFile(join(root, 'large.bin'), large);
  // Symlinks: one to a file inside, one to the secret outside, one to the directory outside.
  await symlink(join(root, 'hello.txt'), join(root, 'link-inside.txt'));
  await symlink(secret, join(root, 'link-outside.txt'));
  await symlink(base, join(root, 'link-outside-dir'));
  return { base, root, secret, large, remove: () => rm(base, { recursive: true, force: true }) };
}

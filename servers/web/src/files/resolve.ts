/**
 * Request path -> file, never outside the root. The path is already normalised (no '..'), so joining it to the
 * root stays inside lexically; symlinks are then resolved with realpath and the result must still be the root
 * or below it. A directory serves its index.html (checked the same way); a directory asked for without its
 * trailing slash is redirected to it, so relative links in the page work.
 */

import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Resource } from '../types.ts';
import { HttpError, webCodes } from '../http/errors.ts';
import { encodePath } from '../http/target.ts';

export const INDEX_FILE = 'index.html';

/** Whether `real` (a realpath) is `root` (a realpath) or inside it. */
export function isInside(root: string, real: string): boolean {
  if (real === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return real.startsWith(prefix);
}

function notFound(message: string, code: string = webCodes.NOT_FOUND): HttpError {
  return new HttpError(404, code, message, { keepAlive: true });
}

async function realInside(root: string, lexical: string): Promise<string> {
  const real = await realpath(lexical);
  if (!isInside(root, real)) throw notFound(`${lexical} resolves outside the root`, webCodes.OUTSIDE_ROOT);
  return real;
}

/**
 * Finds what `path` (normalised, from the request) names under `root` (a realpath). Throws an HttpError 404 for
 * anything that is not a regular file inside the root, or a file-system error (mapped by the handler).
 */
export async function resolveResource(root: string, path: string, query: string): Promise<Resource> {
  const lexical = join(root, path);
  const real = await realInside(root, lexical);
  const info = await stat(real);
  if (info.isDirectory()) {
    if (!path.endsWith('/')) return { kind: 'redirect', location: encodePath(path) + '/' + query };
    const statPath = join(lexical, INDEX_FILE);
    const index = await realInside(root, statPath);
    const indexInfo = await stat(index);
    if (!indexInfo.isFile()) throw notFound(`${statPath} is not a file`);
    return { kind: 'file', path: index, statPath, size: indexInfo.size, mtimeMs: indexInfo.mtimeMs };
  }
  if (!info.isFile()) throw notFound(`${lexical} is not a regular file`);
  if (path.endsWith('/')) throw notFound(`${lexical} is a file, asked for as a directory`);
  return { kind: 'file', path: real, statPath: lexical, size: info.size, mtimeMs: info.mtimeMs };
}

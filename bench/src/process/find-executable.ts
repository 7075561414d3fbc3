/** Finds an optional tool the harness can use (nginx, wrk) without requiring it. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ExecutableSearch {
  /** The binary's file name, e.g. `wrk`. */
  readonly name: string;
  /** An environment variable that names the binary outright, e.g. `WRK`. */
  readonly envVar: string;
  /** Where it is usually installed when it is not on PATH. */
  readonly knownPaths?: readonly string[];
}

/**
 * `$<envVar>` when set (and then only it: an explicit path that is not there is not silently replaced), then
 * PATH (as `which` would), then the usual install locations.
 */
export function findExecutable(search: ExecutableSearch, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env[search.envVar];
  if (explicit) return isExecutable(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, search.name))) return join(dir, search.name);
  }
  return (search.knownPaths ?? []).find(isExecutable);
}

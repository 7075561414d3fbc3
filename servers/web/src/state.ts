/**
 * What the nodes of this thread work with, made by `setup` (which runs on every thread): the options, the root
 * directory's real path, and this thread's view of the one shared file cache.
 */

import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SetupContext } from '@flux/runtime/api.ts';
import { FileCache, type FileCacheOptions } from './cache/file-cache.ts';
import { OptionError, readOptions, type WebOptions } from './options.ts';

export interface WebState {
  readonly options: WebOptions;
  /** realpath of the root: every file served resolves to it or below. */
  readonly root: string;
  readonly cache: FileCache;
}

/** The name of the shared buffer that holds the file cache. */
export const CACHE_BUFFER = 'web.file-cache';

let current: WebState | undefined;

export function cacheOptionsOf(options: WebOptions): FileCacheOptions {
  return {
    capacityBytes: options.cacheBytes,
    maxFileBytes: options.maxFileBytes,
    revalidateMs: options.revalidateMs,
    memoBytes: options.hotResponseBytes,
  };
}

export function setupState(ctx: SetupContext): WebState {
  const options = readOptions(ctx.options);
  let root: string;
  try {
    root = realpathSync(resolve(options.root));
  } catch (error) {
    throw new OptionError(`root directory ${options.root} cannot be opened: ${(error as Error).message}`);
  }
  if (!statSync(root).isDirectory()) throw new OptionError(`root ${options.root} is not a directory`);
  const cacheOptions = cacheOptionsOf(options);
  const cache = new FileCache(ctx.shared(CACHE_BUFFER, FileCache.byteLength(cacheOptions)), cacheOptions);
  current = { options, root, cache };
  return current;
}

export function state(): WebState {
  if (current === undefined) throw new Error('web: setup has not run on this thread');
  return current;
}

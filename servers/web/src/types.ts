/**
 * The values that flow between the web server's nodes (the types `web.flux` imports). All plain data:
 * under `threadpool` and `thread` they cross threads by structured clone.
 */

export type { Conn } from '@flux/runtime/api.ts';

export type Method = 'GET' | 'HEAD';

/** A parsed, validated request head. */
export interface Request {
  readonly method: Method;
  /** The request target exactly as sent (latin1). */
  readonly target: string;
  /** The decoded, normalised path: starts with '/', no '.' or '..' segments, no empty segments; keeps a trailing '/'. */
  readonly path: string;
  /** The query including its '?', or ''. */
  readonly query: string;
  readonly version: '1.0' | '1.1';
  /** Whether the connection stays open after the response. */
  readonly keepAlive: boolean;
  /** Header fields by lower-case name; repeated fields joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
}

/** What the response to a file request is, decided from the request and the file's validators. */
export type Decision =
  | { readonly status: 200 }
  | { readonly status: 304 }
  | { readonly status: 206; readonly start: number; readonly end: number } // inclusive end
  | { readonly status: 416 };

/** The validators of a file: what ETag, Last-Modified and revalidation are made from. */
export interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The outcome of a cache lookup. On a hit it carries the decision and either the complete response, head
 * included (a 200 to a GET of a file small enough to keep ready), or exactly the body bytes that decision sends
 * (the range for 206, nothing for HEAD, 304 and 416, the whole of a large file for 200), copied out of shared
 * memory with `headroom` free bytes in front of them for the response head.
 */
export type CacheResult =
  | { readonly hit: false }
  | {
      readonly hit: true;
      readonly stat: FileStat;
      readonly decision: Decision;
      /** The whole response, ready to send; never modified afterwards. Null: build it from `buffer`. */
      readonly response: Uint8Array | null;
      readonly buffer: Uint8Array;
      readonly headroom: number;
    };

/** Where a request path leads on disk. */
export type Resource =
  | {
      readonly kind: 'file';
      /** The real path (symlinks resolved, checked to be inside the root): what is read. */
      readonly path: string;
      /** The root joined with the request path (plus index.html for a directory): what revalidation stats. */
      readonly statPath: string;
      readonly size: number;
      readonly mtimeMs: number;
    }
  | { readonly kind: 'redirect'; readonly location: string };

/** A file read whole into memory (small enough to cache). */
export interface LoadedFile {
  readonly path: string;
  readonly statPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly body: Uint8Array;
}

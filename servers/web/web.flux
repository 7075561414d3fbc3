// An HTTP/1.1 file server. The Listen source frames requests on each connection and starts one flow per
// request; a flow parses the request, looks the path up in a shared file cache and answers from it on a hit,
// or finds the file on disk, caches it if it is small enough and answers. The cache is one structure in
// shared memory for every thread; the `cache` lock keeps its readers and writers apart.

import type { Conn, Request, CacheResult, Resource, LoadedFile } from "./src/types.ts";

// The source: accepts connections, frames request heads, emits (connection, head) per request.
Listen () => (conn: Conn, head: string);

// One request, start to finish.
Page (conn: Conn, head: string) => ();
ReadRequest (conn: Conn, head: string) => (conn: Conn, request: Request);
Lookup (conn: Conn, request: Request) => (conn: Conn, request: Request, cached: CacheResult);

// Answer from the cache, or from the disk.
Respond (conn: Conn, request: Request, cached: CacheResult) => ();
SendCached (conn: Conn, request: Request, cached: CacheResult) => ();
Resolve (conn: Conn, request: Request, cached: CacheResult) => (conn: Conn, request: Request, resource: Resource);

// What the path is on disk: a directory to redirect to, a small file to cache, or a large file to stream.
Serve (conn: Conn, request: Request, resource: Resource) => ();
SendRedirect (conn: Conn, request: Request, resource: Resource) => ();
ReadFile (conn: Conn, request: Request, resource: Resource) => (conn: Conn, request: Request, file: LoadedFile);
StoreInCache (conn: Conn, request: Request, file: LoadedFile) => (conn: Conn, request: Request, file: LoadedFile);
SendFile (conn: Conn, request: Request, file: LoadedFile) => ();
StreamFile (conn: Conn, request: Request, resource: Resource) => ();

// One session per connection: under `thread`, a connection's requests run on its own worker.
source Listen {session: ConnSession} => Page;

Page = ReadRequest -> Lookup -> Respond;

typedef hit IsCached;
Respond:[_, _, hit] = SendCached;
Respond:[_, _, _] = Resolve -> Serve;

typedef redirect IsRedirect;
typedef small FitsInCache;
Serve:[_, _, redirect] = SendRedirect;
Serve:[_, _, small] = ReadFile -> StoreInCache -> SendFile;
Serve:[_, _, _] = StreamFile;

// Many lookups at once, one store at a time, never a lookup during a store.
atomic Lookup:{cache?};
atomic StoreInCache:{cache!};

handle error ReadRequest => BadRequest;
handle error Resolve => NotFound;
handle error ReadFile => ReadFailed;
handle error StreamFile => StreamFailed;
// Anything else that fails, and flows refused under overload: 500 or 503.
handle error Page => ServerError;

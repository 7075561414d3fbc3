// The 2006 image server, in Flux-TS: scaled images are cached; a cache hit skips the disk and the scaler.
import type { Conn, ImageRequest, CacheEntry } from "./types.ts";

typedef inCache TestInCache;

Listen () => (conn: Conn);
Page (conn: Conn) => ();
ReadRequest (conn: Conn) => (conn: Conn, keepAlive: boolean, request: ImageRequest);
CheckCache (conn: Conn, keepAlive: boolean, request: ImageRequest) => (conn: Conn, keepAlive: boolean, entry: CacheEntry);
Handler (conn: Conn, keepAlive: boolean, entry: CacheEntry) => (conn: Conn, keepAlive: boolean, entry: CacheEntry);
ReadInFromDisk (conn: Conn, keepAlive: boolean, entry: CacheEntry) => (conn: Conn, keepAlive: boolean, entry: CacheEntry, original: Uint8Array);
Compress (conn: Conn, keepAlive: boolean, entry: CacheEntry, original: Uint8Array) => (conn: Conn, keepAlive: boolean, entry: CacheEntry, scaled: Uint8Array);
StoreInCache (conn: Conn, keepAlive: boolean, entry: CacheEntry, scaled: Uint8Array) => (conn: Conn, keepAlive: boolean, entry: CacheEntry);
Write (conn: Conn, keepAlive: boolean, entry: CacheEntry) => (conn: Conn, keepAlive: boolean, entry: CacheEntry);
Complete (conn: Conn, keepAlive: boolean, entry: CacheEntry) => ();

source Listen => Page;

Page = ReadRequest -> CheckCache -> Handler -> Write -> Complete;

// A cached image passes straight through; anything else is read, scaled and stored.
Handler:[_, _, inCache] = ;
Handler:[_, _, _] = ReadInFromDisk -> Compress -> StoreInCache;

// CheckCache takes a reference to the entry; Complete drops it.
atomic CheckCache:{cache};
atomic StoreInCache:{cache};
atomic Complete:{cache};

handle error ReadRequest => BadRequest;
handle error ReadInFromDisk => FourOhFour;

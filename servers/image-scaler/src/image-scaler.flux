// The image scaler: GET /images/<name>?w=&h=&fit=&format=&q= answers a scaled image from one shared cache,
// computing a miss once however many requests ask for it at the same time. GET /stats reports the cache.
// Node functions live in index.ts; the types they pass in types.ts.

import type { Conn, HttpRequest, ScaleRequest, Answer, SourceImage } from "./types.ts";

// Framed on the main thread: one output per request on a connection (the next waits for this one's flow).
Listen () => (conn: Conn, request: HttpRequest);

Page (conn: Conn, request: HttpRequest) => ();
ReadRequest (conn: Conn, request: HttpRequest) => (conn: Conn, request: ScaleRequest);
Serve (conn: Conn, request: ScaleRequest) => (conn: Conn, request: ScaleRequest, answer: Answer);
ReportStats (conn: Conn, request: ScaleRequest) => (conn: Conn, request: ScaleRequest, answer: Answer);
CheckCache (conn: Conn, request: ScaleRequest) => (conn: Conn, request: ScaleRequest, answer: Answer);
Handler (conn: Conn, request: ScaleRequest, answer: Answer) => (conn: Conn, request: ScaleRequest, answer: Answer);
AwaitOwner (conn: Conn, request: ScaleRequest, answer: Answer) => (conn: Conn, request: ScaleRequest, answer: Answer);
TakeResult (conn: Conn, request: ScaleRequest, answer: Answer) => (conn: Conn, request: ScaleRequest, answer: Answer);
Produce (conn: Conn, request: ScaleRequest, answer: Answer) => (conn: Conn, request: ScaleRequest, answer: Answer);
ReadImage (conn: Conn, request: ScaleRequest, answer: Answer) => (conn: Conn, request: ScaleRequest, answer: Answer, source: SourceImage);
Scale (conn: Conn, request: ScaleRequest, answer: Answer, source: SourceImage) => (conn: Conn, request: ScaleRequest, answer: Answer);
StoreInCache (conn: Conn, request: ScaleRequest, answer: Answer) => (conn: Conn, request: ScaleRequest, answer: Answer);
Write (conn: Conn, request: ScaleRequest, answer: Answer) => (conn: Conn, request: ScaleRequest);
Complete (conn: Conn, request: ScaleRequest) => ();

// A session per connection: under `thread` a connection's requests share one worker (started by its first).
source Listen {session: ConnectionOf} => Page;

Page = ReadRequest -> Serve -> Write -> Complete;

typedef stats IsStatsRequest;
Serve:[_, stats] = ReportStats;
Serve:[_, _] = CheckCache -> Handler;

// hit: the answer is ready; pending: another flow is computing the same key.
typedef hit IsReady;
typedef pending IsComputedElsewhere;
Handler:[_, _, hit] = ;
Handler:[_, _, pending] = AwaitOwner -> TakeResult -> Produce;
Handler:[_, _, _] = Produce;

// After waiting, the owner's result is normally in the cache; if it could not be cached, compute it here.
Produce:[_, _, hit] = ;
Produce:[_, _, _] = ReadImage -> Scale -> StoreInCache;

// One cache for the whole server: lookups share it, stores take it alone.
atomic CheckCache:{cache?};
atomic TakeResult:{cache?};
atomic ReportStats:{cache?};
atomic StoreInCache:{cache!};

// Error paths: each answers the error (400, 404, 415, 422; 500 for anything unexpected) and frees an in-flight
// claim the flow owns, so that requests waiting on it go on. A failure while writing can only drop the connection.
handle error ReadRequest => RejectRequest;
// The target's own handler: admission control refusing a flow (503), a worker dying under it (500).
handle error Page => RejectRequest;
handle error ReportStats => FailRequest;
handle error CheckCache => FailRequest;
handle error AwaitOwner => FailImage;
handle error TakeResult => FailImage;
handle error ReadImage => FailImage;
handle error StoreInCache => FailImage;
handle error Scale => FailScale;
handle error Write => AbortWrite;
handle error Complete => AbortComplete;

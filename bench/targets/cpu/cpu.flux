// A CPU-bound HTTP server for the benchmark harness: `GET /digest?rounds=N` answers PBKDF2-HMAC-SHA256 of a fixed
// payload with N iterations, in hex. The hashing is one synchronous node, so under `event` every request's work
// runs on the one thread, and under `threadpool` and `workers` on every worker at once.

import type { Conn, DigestRequest } from "./src/types.ts";

// The runtime's HTTP/1.1 source: emits (connection, head) per request, in order on each connection.
Listen () => (conn: Conn, head: string);

Page (conn: Conn, head: string) => ();
ReadRequest (conn: Conn, head: string) => (conn: Conn, request: DigestRequest);
Digest (conn: Conn, request: DigestRequest) => (conn: Conn, request: DigestRequest, digest: string);
Reply (conn: Conn, request: DigestRequest, digest: string) => ();

// One session per connection: under `thread`, a connection's requests run on its own worker.
source Listen {session: ConnSession} => Page;

Page = ReadRequest -> Digest -> Reply;

// 400 / 404 / 405 / 505 for requests it does not serve; 500, or 503 for flows refused under overload.
handle error ReadRequest => BadRequest;
handle error Page => ServerError;

// Program for the socket benchmark: one flow per request line, answered with about 10 KB under a read lock
// (the shape of the web server's cache hit: look up under `cache?`, copy the body out, write it).
import type { Conn } from "@flux/runtime/api.ts";

Listen () => (conn: Conn, line: string);
Answer (conn: Conn, line: string) => ();

source Listen {session: ConnSession} => Answer;
atomic Answer:{cache?};

// A web server with one mistake of each kind: every one is reported, not just the first.
import type { Conn, Request, Response } from "../types.ts";

Listen () => (conn: Conn);
Page (conn: Conn) => ();
ReadRequest (conn: Conn) => (conn: Conn, keepAlive: boolean, request: Request);
ReadWrite (conn: Conn, request: Request) => (conn: Conn, keepAlive: boolean, response: Response);
Reply (conn: Conn, keepAlive: boolean, response: Response) => ();
Log (int line) => ();

source Listen {session: ConnId} => Page;
Page = ReadRequest -> ReadWrite -> Reply -> Missing;

atomic Page:{stats?};
atomic Reply:{stats(session)};
handle error ReadWrite => Oops;
handle error ReadRequest => Oops;

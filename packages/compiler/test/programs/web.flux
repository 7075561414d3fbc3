// The 2006 web server, in Flux-TS.
import type { Conn, Request, Response } from "./types.ts";

Listen () => (conn: Conn);
Page (conn: Conn) => ();
ReadRequest (conn: Conn) => (conn: Conn, keepAlive: boolean, request: Request);
ReadWrite (conn: Conn, keepAlive: boolean, request: Request) => (conn: Conn, keepAlive: boolean, response: Response);
Reply (conn: Conn, keepAlive: boolean, response: Response) => ();

source Listen => Page;
Page = ReadRequest -> ReadWrite -> Reply;

handle error ReadWrite => FourOhFour;
handle error ReadRequest => BadRequest;

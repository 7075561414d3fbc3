// The 2006 game server, in Flux-TS: client messages dispatched on their kind, and a timer that
// advances the board and sends it to every client.
import type { Conn, MessageKind, Player, Board } from "./types.ts";

typedef engine IsEngine;
typedef turn IsTurn;
typedef connect IsConnect;
typedef disconnect IsDisconnect;

Listen () => (conn: Conn);
DataTimer () => (tick: number);

source Listen {session: ClientSession} => ClientMessage;
source DataTimer => DoUpdate;

ClientMessage = ParseMessage -> ReadMessage;
ParseMessage (conn: Conn) => (kind: MessageKind, conn: Conn, body: Uint8Array);

ReadMessage (kind: MessageKind, conn: Conn, body: Uint8Array) => ();
ReadMessage:[engine, _, _] = ParseEngine -> DoEngine;
ReadMessage:[turn, _, _] = ParseTurn -> DoTurn;
ReadMessage:[connect, _, _] = ParseConnect -> DoConnect -> GetClients -> SendWelcome;
ReadMessage:[disconnect, _, _] = ParseDisconnect -> DoDisconnect;
ReadMessage:[*, *, *] = IgnoreMessage;

ParseEngine (kind: MessageKind, conn: Conn, body: Uint8Array) => (conn: Conn, command: string);
DoEngine (conn: Conn, command: string) => ();
ParseTurn (kind: MessageKind, conn: Conn, body: Uint8Array) => (conn: Conn, move: number);
DoTurn (conn: Conn, move: number) => ();
ParseConnect (kind: MessageKind, conn: Conn, body: Uint8Array) => (conn: Conn, player: Player);
DoConnect (conn: Conn, player: Player) => (conn: Conn);
GetClients (conn: Conn) => (conn: Conn, clients: readonly Conn[]);
SendWelcome (conn: Conn, clients: readonly Conn[]) => ();
ParseDisconnect (kind: MessageKind, conn: Conn, body: Uint8Array) => (conn: Conn);
DoDisconnect (conn: Conn) => ();
IgnoreMessage (kind: MessageKind, conn: Conn, body: Uint8Array) => ();

DoUpdate = UpdateBoard -> GetAllClients -> SendData;
UpdateBoard (tick: number) => (board: Board);
GetAllClients (board: Board) => (board: Board, clients: readonly Conn[]);
SendData (board: Board, clients: readonly Conn[]) => ();

// The client list is read by many and written on connect and disconnect; one turn at a time per client.
atomic GetClients:{clients?};
atomic GetAllClients:{clients?};
atomic DoConnect:{clients!};
atomic DoDisconnect:{clients};
constraint DoTurn:{board, player(session)};
constraint DoEngine:{board};
constraint UpdateBoard:{board};

handle error ParseMessage => DropClient;

// A multiplayer tag game over WebSockets, after the 2006 game server: two sources, one for the players'
// messages and one for the clock; a message flow dispatched on the message type; an update flow that moves
// the world and sends it to everyone. The world (players, positions, "it", scores) is one block of shared
// memory under the `world` lock; each connection's player is under its session's `player` lock.

import type { Client, Inbound, Message, Reply, Broadcast } from "./src/types.ts";

// The sources. Listen serves the page and upgrades /ws; it emits each text frame of a connection, and its
// close. Clock emits the time once per tick (--tick-hz).
Listen () => (client: Client, inbound: Inbound);
Clock () => (now: number);

source Listen {session: ClientSession} => ClientMessage;
source Clock => DoUpdate;

// A player's message, start to finish. The reply goes back to Listen, which owns the socket.
ClientMessage (client: Client, inbound: Inbound) => (reply: Reply);
ParseMessage (client: Client, inbound: Inbound) => (client: Client, message: Message);
ReadMessage (client: Client, message: Message) => (reply: Reply);
Join (client: Client, message: Message) => (reply: Reply);
Rejoin (client: Client, message: Message) => (reply: Reply);
Input (client: Client, message: Message) => (reply: Reply);
Closed (client: Client, message: Message) => (reply: Reply);
Unknown (client: Client, message: Message) => (reply: Reply);

ClientMessage = ParseMessage -> ReadMessage;

typedef join IsJoin;
typedef rejoin IsRejoin;
typedef input IsInput;
typedef closed IsClosed;
ReadMessage:[_, join] = Join;
ReadMessage:[_, rejoin] = Rejoin;
ReadMessage:[_, input] = Input;
ReadMessage:[_, closed] = Closed;
ReadMessage:[_, _] = Unknown;

// One tick: advance the world and encode its state once, then send the same bytes to every player.
DoUpdate (now: number) => ();
UpdateBoard (now: number) => (broadcast: Broadcast);
SendData (broadcast: Broadcast) => ();
DoUpdate = UpdateBoard -> SendData;

// Joins, rejoins, leaves and the tick change who is in the world: one at a time. Inputs only write their own
// player's direction: many at once, never during a tick. Sending reads nothing the others write.
atomic Join:{player(session), world!};
atomic Rejoin:{player(session), world!};
atomic Closed:{player(session), world!};
atomic Input:{player(session), world?};
atomic UpdateBoard:{world!};

// A bad message fails its flow; Listen closes the connection with the code for the error (README).
handle error ClientMessage => Refused;
handle error DoUpdate => TickFailed;

/**
 * The message flow's nodes: ParseMessage, the dispatch predicates, and one node per message type. They run on
 * whichever thread the runtime picks, and touch only the shared world (under the locks tag-game.flux names)
 * and the plain values they are given; Listen, next to the socket, acts on their Reply.
 */

import type { Conn } from '@flux/runtime/api.ts';
import { encodeWelcome } from '../game/encode.ts';
import { parseClientMessage } from '../game/parse.ts';
import { TagError } from '../errors.ts';
import { current } from '../state.ts';
import type { Client, Inbound, Message, Reply } from '../types.ts';

/** lagSince while the welcome has not been sent yet: SendData skips the player until Listen clears it. */
export const WELCOME_PENDING = -2;

const NOTHING: Reply = {};

export function ParseMessage(client: Client, inbound: Inbound): [Client, Message] {
  if (inbound.closed !== undefined) return [client, { type: 'closed', code: inbound.closed }];
  const parsed = parseClientMessage(inbound.text);
  if ('error' in parsed) {
    if (parsed.error === 'malformed') throw new TagError('TAG_MALFORMED', parsed.reason);
    return [client, { type: 'unknown', name: parsed.reason }];
  }
  return [client, parsed];
}

export function IsJoin(message: Message): boolean {
  return message.type === 'join' && message.token === undefined;
}
export function IsRejoin(message: Message): boolean {
  return message.type === 'join' && message.token !== undefined;
}
export function IsInput(message: Message): boolean {
  return message.type === 'input';
}
export function IsClosed(message: Message): boolean {
  return message.type === 'closed';
}

export function Join(client: Client, message: Message): [Reply] {
  if (client.player !== null) throw new TagError('TAG_ALREADY_JOINED', 'this connection has joined already');
  if (message.type !== 'join' || message.name === undefined) throw new TagError('TAG_MALFORMED', 'join needs a name');
  const { world, options } = current();
  const joined = world.join(message.name);
  if (joined.player === undefined) throw new TagError('TAG_FULL', `the game holds ${world.capacity} players`);
  bind(client.conn, joined.player.slot);
  return [{ welcome: encodeWelcome(joined.player, world, options.tickHz), player: joined.player.id }];
}

export function Rejoin(client: Client, message: Message): [Reply] {
  if (client.player !== null) throw new TagError('TAG_ALREADY_JOINED', 'this connection has joined already');
  if (message.type !== 'join' || message.token === undefined) throw new TagError('TAG_MALFORMED', 'rejoin needs a token');
  const { world, options } = current();
  const player = world.rejoin(message.token, Date.now());
  if (player === undefined) throw new TagError('TAG_UNKNOWN_TOKEN', 'no player holds this token (or its grace period ran out)');
  const slot = player.slot;
  const before = world.conns[slot]!;
  const replaced: Conn | undefined = before !== 0 && before !== client.conn.id
    ? { id: before, row: world.connRows[slot]!, remoteAddress: '', remotePort: 0 }
    : undefined;
  bind(client.conn, slot);
  return [{ welcome: encodeWelcome(player, world, options.tickHz), player: player.id, replaced }];
}

export function Input(client: Client, message: Message): [Reply] {
  if (client.player === null) throw new TagError('TAG_NOT_JOINED', 'input before join');
  if (message.type !== 'input') throw new TagError('TAG_MALFORMED', 'not an input');
  const { world } = current();
  const slot = world.slotOf(client.player);
  // A connection replaced by a rejoin elsewhere no longer steers the player.
  if (slot >= 0 && world.conns[slot] === client.conn.id) world.input(client.player, message.seq, message.dx, message.dy);
  return [NOTHING];
}

/** The connection closed: a close with 1000 leaves at once; any other keeps the player for the grace period. */
export function Closed(client: Client, message: Message): [Reply] {
  if (client.player === null || message.type !== 'closed') return [NOTHING];
  const { world } = current();
  const slot = world.slotOf(client.player);
  if (slot < 0 || world.conns[slot] !== client.conn.id) return [NOTHING];
  if (message.code === 1000) world.leave(client.player);
  else world.disconnect(client.player, Date.now());
  return [NOTHING];
}

export function Unknown(_client: Client, message: Message): [Reply] {
  throw new TagError('TAG_UNKNOWN_TYPE', message.type === 'unknown' ? message.name : `unexpected ${message.type}`);
}

/** The flow's error reaches Listen in its outcome (Listen closes the connection with the matching code). */
export function Refused(_error: unknown, _client: Client, _inbound: Inbound): void {}

function bind(conn: Conn, slot: number): void {
  const { world } = current();
  world.conns[slot] = conn.id;
  world.connRows[slot] = conn.row ?? -1;
  world.lagSince[slot] = WELCOME_PENDING;
}

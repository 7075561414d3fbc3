/**
 * The peer's implementation module: the node, predicate, handler, session and source functions that
 * bittorrent.flux wires together, checked against the program by the generated BittorrentImplementation.
 */

import type { SetupContext } from '@flux/runtime/api.ts';
import type { BittorrentImplementation } from './bittorrent.flux.ts';
import { setupContext } from './context.ts';
import * as message from './nodes/message.ts';
import * as peer from './nodes/peer.ts';
import * as blocks from './nodes/blocks.ts';
import * as pieces from './nodes/pieces.ts';
import * as timers from './nodes/timers.ts';
import { ChokeTimer, Connect, KeepAliveTimer, Listen, TrackerTimer } from './sources/sources.ts';
import type { Msg, Peer } from './types.ts';

export default {
  async setup(ctx: SetupContext) {
    await setupContext(ctx);
  },
  // Under `workers` every worker accepts on the shared port and runs its own connections' flows; the rest run
  // on main (their state is all in shared memory, so a worker's peer and main's peer see the same swarm).
  sourceModes: { Listen: 'every-thread' },
  sources: { Listen, Connect, TrackerTimer, ChokeTimer, KeepAliveTimer },
  sessions: {
    PeerSession: (p: Peer, _msg: Msg) => p.conn.id,
  },
  nodes: {
    CheckMessage: message.CheckMessage,
    Ignore: message.Ignore,
    PeerOpened: peer.PeerOpened,
    PeerClosed: peer.PeerClosed,
    OnChoke: peer.OnChoke,
    OnUnchoke: peer.OnUnchoke,
    OnInterested: peer.OnInterested,
    OnNotInterested: peer.OnNotInterested,
    OnHave: peer.OnHave,
    OnBitfield: peer.OnBitfield,
    UpdateInterest: peer.UpdateInterest,
    RequestBlocks: peer.RequestBlocks,
    OnReject: peer.OnReject,
    OnExtended: peer.OnExtended,
    ServeBlock: blocks.ServeBlock,
    ReceiveBlock: blocks.ReceiveBlock,
    Refill: blocks.Refill,
    PieceDone: blocks.PieceDone,
    VerifyPiece: pieces.VerifyPiece,
    MarkHave: pieces.MarkHave,
    SendHave: pieces.SendHave,
    RejectPiece: pieces.RejectPiece,
    BuildAnnounce: timers.BuildAnnounce,
    SendAnnounce: timers.SendAnnounce,
    AddCandidates: timers.AddCandidates,
    Rechoke: timers.Rechoke,
    CheckPeers: timers.CheckPeers,
    Rerequest: timers.Rerequest,
  },
  predicates: {
    IsOpen: message.IsOpen, IsClosed: message.IsClosed, IsChoke: message.IsChoke, IsUnchoke: message.IsUnchoke,
    IsInterested: message.IsInterested, IsNotInterested: message.IsNotInterested, IsHave: message.IsHave,
    IsBitfield: message.IsBitfield, IsHaveAll: message.IsHaveAll, IsHaveNone: message.IsHaveNone,
    IsRequest: message.IsRequest, IsCancel: message.IsCancel, IsPiece: message.IsPiece, IsReject: message.IsReject,
    IsExtended: message.IsExtended, IsPieceComplete: blocks.IsPieceComplete, IsPieceGood: blocks.IsPieceGood,
  },
  handlers: {
    DropPeer: message.DropPeer,
    AnnounceFailed: timers.AnnounceFailed,
    TimerFailed: timers.TimerFailed,
  },
} satisfies BittorrentImplementation;

// A BitTorrent peer (BEP 3, with the fast extension of BEP 6 and ut_metadata over BEP 10). Two sources frame
// the wire of every connection, inbound (Listen) and outbound (Connect), and start one flow per message; three
// timers announce to the tracker, rotate who we upload to, and keep connections alive or close stalled ones.
// The 2006 peer held one BigLock around every flow; here a peer's messages are serialised by a lock per
// connection, and the shared tables (which blocks are requested, which pieces are had, who is unchoked) each
// have a lock of their own, so flows of different peers run at once wherever the runtime has threads.

import type { Peer, Msg, PieceEvent, Tick, Announce } from "./src/types.ts";

// Sources: each emits (peer, message) per wire message, plus an 'open' message once the handshake is done and
// a 'closed' message once the connection is gone.
Listen () => (peer: Peer, msg: Msg);
Connect () => (peer: Peer, msg: Msg);
TrackerTimer () => (announce: Announce);
ChokeTimer () => (tick: Tick);
KeepAliveTimer () => (tick: Tick);

source Listen {session: PeerSession} => Message;
source Connect {session: PeerSession} => Message;
source TrackerTimer => Announce;
source ChokeTimer => Rechoke;
source KeepAliveTimer => KeepAlive;

// One wire message, start to finish: checked against the protocol's limits, then handled by its type.
Message (peer: Peer, msg: Msg) => ();
CheckMessage (peer: Peer, msg: Msg) => (peer: Peer, msg: Msg);
HandleMessage (peer: Peer, msg: Msg) => ();
Message = CheckMessage -> HandleMessage;

typedef opened IsOpen;
typedef closed IsClosed;
typedef choke IsChoke;
typedef unchoke IsUnchoke;
typedef interested IsInterested;
typedef notInterested IsNotInterested;
typedef have IsHave;
typedef bitfield IsBitfield;
typedef request IsRequest;
typedef cancel IsCancel;
typedef piece IsPiece;
typedef reject IsReject;
typedef haveAll IsHaveAll;
typedef haveNone IsHaveNone;
typedef extended IsExtended;

// The two messages that carry the data come first: cases are tried in order.
HandleMessage:[_, piece] = ReceiveBlock -> Refill -> CompletePiece;
HandleMessage:[_, request] = ServeBlock;
HandleMessage:[_, opened] = PeerOpened;
HandleMessage:[_, closed] = PeerClosed;
HandleMessage:[_, choke] = OnChoke;
HandleMessage:[_, unchoke] = OnUnchoke -> RequestBlocks;
HandleMessage:[_, interested] = OnInterested;
HandleMessage:[_, notInterested] = OnNotInterested;
HandleMessage:[_, have] = OnHave -> UpdateInterest -> RequestBlocks;
HandleMessage:[_, bitfield] = OnBitfield -> UpdateInterest -> RequestBlocks;
HandleMessage:[_, haveAll] = OnBitfield -> UpdateInterest -> RequestBlocks;
HandleMessage:[_, haveNone] = OnBitfield -> UpdateInterest -> RequestBlocks;
HandleMessage:[_, cancel] = Ignore;
HandleMessage:[_, reject] = OnReject -> RequestBlocks;
HandleMessage:[_, extended] = OnExtended;
HandleMessage:[_, _] = Ignore;

PeerOpened (peer: Peer, msg: Msg) => ();
PeerClosed (peer: Peer, msg: Msg) => ();
OnChoke (peer: Peer, msg: Msg) => ();
OnUnchoke (peer: Peer, msg: Msg) => (peer: Peer, msg: Msg);
OnInterested (peer: Peer, msg: Msg) => ();
OnNotInterested (peer: Peer, msg: Msg) => ();
OnHave (peer: Peer, msg: Msg) => (peer: Peer, msg: Msg);
OnBitfield (peer: Peer, msg: Msg) => (peer: Peer, msg: Msg);
UpdateInterest (peer: Peer, msg: Msg) => (peer: Peer, msg: Msg);
ServeBlock (peer: Peer, msg: Msg) => ();
OnReject (peer: Peer, msg: Msg) => (peer: Peer, msg: Msg);
RequestBlocks (peer: Peer, msg: Msg) => ();
OnExtended (peer: Peer, msg: Msg) => ();
Ignore (peer: Peer, msg: Msg) => ();

// A block arrives: stored if we asked this peer for it, and the peer's pipeline topped up; once its piece has
// every block, the piece is hashed, and then either announced to every peer or thrown away (and the peers that
// sent it judged).
ReceiveBlock (peer: Peer, msg: Msg) => (peer: Peer, event: PieceEvent);
CompletePiece (peer: Peer, event: PieceEvent) => ();
typedef pieceComplete IsPieceComplete;
typedef pieceGood IsPieceGood;
CompletePiece:[_, pieceComplete] = VerifyPiece -> Verdict;
CompletePiece:[_, _] = PieceDone;
VerifyPiece (peer: Peer, event: PieceEvent) => (peer: Peer, event: PieceEvent);
Verdict (peer: Peer, event: PieceEvent) => ();
Verdict:[_, pieceGood] = MarkHave -> SendHave;
Verdict:[_, _] = RejectPiece;
MarkHave (peer: Peer, event: PieceEvent) => (peer: Peer, event: PieceEvent);
SendHave (peer: Peer, event: PieceEvent) => ();
RejectPiece (peer: Peer, event: PieceEvent) => ();
Refill (peer: Peer, event: PieceEvent) => (peer: Peer, event: PieceEvent);
PieceDone (peer: Peer, event: PieceEvent) => ();

// Timers.
Announce (announce: Announce) => ();
Announce = BuildAnnounce -> SendAnnounce -> AddCandidates;
BuildAnnounce (announce: Announce) => (announce: Announce);
SendAnnounce (announce: Announce) => (announce: Announce);
AddCandidates (announce: Announce) => ();
Rechoke (tick: Tick) => ();
// Keep-alives and stalled peers; then every peer whose pipeline ran low is topped up (blocks come free when a
// peer leaves, chokes us or sent a bad piece, and the peers that could take them may have nothing in flight).
KeepAlive (tick: Tick) => ();
KeepAlive = CheckPeers -> Rerequest;
CheckPeers (tick: Tick) => (tick: Tick);
Rerequest (tick: Tick) => ();

// A peer's messages one at a time, in the order they came (its flags, its pipeline, its view of us).
atomic Message:{conn(session)};
// Which blocks are requested from whom, and which have arrived: one picker at a time.
atomic RequestBlocks:{picker};
atomic Refill:{picker};
atomic OnChoke:{picker};
atomic OnReject:{picker};
atomic ReceiveBlock:{picker};
atomic RejectPiece:{picker};
atomic PeerClosed:{picker, pieces, slots};
// The have-map and availability: many readers (serving a block, deciding interest), a writer per change.
atomic ServeBlock:{pieces?};
atomic UpdateInterest:{pieces?};
atomic PeerOpened:{pieces?};
atomic BuildAnnounce:{pieces?};
atomic OnHave:{pieces};
atomic OnBitfield:{pieces};
atomic MarkHave:{pieces};
// Who we upload to: the choker's slots.
atomic OnInterested:{slots};
atomic OnNotInterested:{slots};
atomic Rechoke:{slots};
atomic Rerequest:{picker};
// The tracker's candidate addresses, read by the Connect source.
atomic AddCandidates:{candidates};

// A message that breaks the protocol (or a node that fails on it) closes that peer and no other.
handle error Message => DropPeer;
handle error Announce => AnnounceFailed;
handle error Rechoke => TimerFailed;
handle error KeepAlive => TimerFailed;

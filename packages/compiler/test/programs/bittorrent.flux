/*
 * The 2006 BitTorrent peer, in Flux-TS. Five sources: the tracker, choke and keep-alive timers, and
 * connections made (Connect) and accepted or readable (Listen). Every peer connection is a session.
 * Where the 2006 peer took one BigLock around every flow, this one uses finer locks: the peer table,
 * the piece map, the disk, and a per-peer lock that keeps one peer's messages in order.
 */
import type { Conn, PeerId, PieceIndex, Torrent, TrackerReply, PeerMessage, Block } from "./types.ts";

// The nine peer-wire messages, and whether a piece is now complete.
typedef choke IsChoke;
typedef unchoke IsUnchoke;
typedef interested IsInterested;
typedef uninterested IsUninterested;
typedef request IsRequest;
typedef cancel IsCancel;
typedef piece IsPiece;
typedef bitfield IsBitfield;
typedef have IsHave;
typedef piececomplete IsPieceComplete;
typedef optimistic IsOptimisticRound;
typedef endgame InEndgame;

// Sources
TrackerTimer () => (torrent: Torrent);
ChokeTimer () => (round: number);
KeepAliveTimer () => (now: number);
Connect () => (conn: Conn, peer: PeerId);
Listen () => (conn: Conn, peer: PeerId);

source TrackerTimer => TrackerUpdate;
source ChokeTimer => ChokeRound;
source KeepAliveTimer => KeepAlive;
source Connect {session: PeerSession} => NewPeer;
source Listen {session: PeerSession} => Message;

// The tracker: announce, learn about peers.
TrackerUpdate = ContactTracker -> UpdatePeerList;
ContactTracker (torrent: Torrent) => (reply: TrackerReply);
UpdatePeerList (reply: TrackerReply) => ();

// Choking: every round, unchoke the peers that upload to us fastest; every third round also
// unchokes one more peer at random (the optimistic unchoke).
ChokeRound (round: number) => ();
ChokeRound:[optimistic] = MeasureRates -> RankPeers -> PickOptimistic -> UpdateChokes -> SendChokes;
ChokeRound:[_] = MeasureRates -> RankPeers -> UpdateChokes -> SendChokes;
MeasureRates (round: number) => (round: number);
RankPeers (round: number) => (ranking: readonly PeerId[]);
PickOptimistic (ranking: readonly PeerId[]) => (ranking: readonly PeerId[]);
UpdateChokes (ranking: readonly PeerId[]) => (changed: readonly PeerId[]);
SendChokes (changed: readonly PeerId[]) => ();

// Keep-alives for peers we have not written to lately.
KeepAlive = FindIdlePeers -> SendKeepAlives;
FindIdlePeers (now: number) => (idle: readonly PeerId[]);
SendKeepAlives (idle: readonly PeerId[]) => ();

// A new outgoing connection: handshake, then tell the peer what we have.
NewPeer = SendHandshake -> AddPeer -> SendBitfield;
SendHandshake (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId);
AddPeer (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId);
SendBitfield (conn: Conn, peer: PeerId) => ();

// One message from one peer.
Message = ReadMessage -> HandleMessage -> MessageDone;
ReadMessage (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId, message: PeerMessage);
MessageDone (conn: Conn, peer: PeerId) => ();

HandleMessage (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
HandleMessage:[_, _, choke] = HandleChoke;
HandleMessage:[_, _, unchoke] = HandleUnchoke -> RequestBlocks;
HandleMessage:[_, _, interested] = HandleInterested;
HandleMessage:[_, _, uninterested] = HandleUninterested;
HandleMessage:[_, _, request] = HandleRequest -> SendBlock;
HandleMessage:[_, _, cancel] = HandleCancel;
HandleMessage:[_, _, piece] = HandlePiece -> CompletePiece -> RequestBlocks;
HandleMessage:[_, _, bitfield] = HandleBitfield -> UpdateInterest;
HandleMessage:[_, _, have] = HandleHave -> UpdateInterest;
HandleMessage:[_, _, _] = IgnoreMessage;

HandleChoke (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
HandleUnchoke (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
HandleInterested (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
HandleUninterested (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
HandleRequest (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId, block: Block);
SendBlock (conn: Conn, peer: PeerId, block: Block) => (conn: Conn, peer: PeerId);
HandleCancel (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
HandlePiece (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId, index: PieceIndex);
HandleBitfield (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
HandleHave (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);
IgnoreMessage (conn: Conn, peer: PeerId, message: PeerMessage) => (conn: Conn, peer: PeerId);

// Ask the peer for blocks we lack; near the end (endgame) ask for every outstanding block.
RequestBlocks (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId);
RequestBlocks:[_, !endgame] = PickBlocks -> SendRequests;
RequestBlocks:[_, endgame] = PickEndgameBlocks -> SendRequests;
PickBlocks (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId, wanted: readonly { index: PieceIndex; begin: number; length: number }[]);
PickEndgameBlocks (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId, wanted: readonly { index: PieceIndex; begin: number; length: number }[]);
SendRequests (conn: Conn, peer: PeerId, wanted: readonly { index: PieceIndex; begin: number; length: number }[]) => (conn: Conn, peer: PeerId);
UpdateInterest (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId);

// A received block may complete its piece: verify it, announce it, and lose interest in peers
// that have nothing else we want.
CompletePiece (conn: Conn, peer: PeerId, index: PieceIndex) => (conn: Conn, peer: PeerId);
CompletePiece:[_, _, piececomplete] = VerifyPiece -> SendHave -> SendUninterested;
CompletePiece:[_, _, _] = ForgetIndex;
VerifyPiece (conn: Conn, peer: PeerId, index: PieceIndex) => (conn: Conn, peer: PeerId, index: PieceIndex);
SendHave (conn: Conn, peer: PeerId, index: PieceIndex) => (conn: Conn, peer: PeerId);
SendUninterested (conn: Conn, peer: PeerId) => (conn: Conn, peer: PeerId);
ForgetIndex (conn: Conn, peer: PeerId, index: PieceIndex) => (conn: Conn, peer: PeerId);

// Locks. `conn(session)` keeps one peer's messages in order; `peers` is the peer table, `pieces`
// the piece map, `store` the file store.
atomic Message:{conn(session)};
atomic NewPeer:{conn(session)};
atomic AddPeer:{peers};
atomic UpdatePeerList:{peers};
atomic MeasureRates:{peers};
atomic RankPeers:{peers?};
atomic PickOptimistic:{peers?};
atomic UpdateChokes:{peers};
atomic FindIdlePeers:{peers?};
atomic HandleChoke:{peers};
atomic HandleUnchoke:{peers};
atomic HandleInterested:{peers};
atomic HandleUninterested:{peers};
atomic HandleBitfield:{peers, pieces?};
atomic HandleHave:{peers, pieces?};
atomic UpdateInterest:{peers, pieces?};
atomic RequestBlocks:{pieces};
atomic HandleRequest:{store?, pieces?};
atomic HandlePiece:{store, pieces};
atomic SendBitfield:{pieces?};
atomic CompletePiece:{pieces};
atomic VerifyPiece:{store?};
atomic SendHave:{peers?};

// A peer that misbehaves or goes away is dropped; a tracker failure waits for the next round.
handle error ReadMessage => DropPeer;
handle error SendHandshake => DropPeer;
handle error HandleMessage => DropPeerAfterMessage;
handle error ContactTracker => TrackerFailed;

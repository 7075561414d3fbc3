/** The peer's options: each is a flag of `pnpm serve bittorrent` (camelCase key -> --kebab-case flag). */

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 6881,
  /** Seed this file or folder: make a torrent of it, write it to --torrent-out, and serve it. */
  seed: '',
  torrentOut: '',
  /** Download the torrent in this file into --out. */
  torrent: '',
  out: '',
  /** Peers to connect to, host:port (repeatable). */
  peer: [] as readonly string[],
  /** An HTTP tracker to announce to (besides the torrent's own). */
  tracker: '',
  exitOnComplete: false,
  /** Piece length of a torrent made with --seed (0: create-torrent's choice). */
  pieceLength: 0,
  maxPeers: 50,
  /** Peers we upload to at once, the optimistic unchoke included. */
  uploadSlots: 4,
  /** Most requests out to one peer (further capped by its reqq). */
  maxPipeline: 250,
  handshakeTimeoutMs: 10_000,
  /** A peer that sends nothing at all for this long is closed. */
  stallTimeoutMs: 120_000,
  /** A peer with our requests out that sends no block for this long is closed. */
  requestTimeoutMs: 30_000,
  chokeIntervalMs: 10_000,
  keepAliveIntervalMs: 30_000,
  /** 0: the tracker's interval. */
  announceIntervalMs: 0,
  /** Try peers from --peer and the tracker again this long after a failed or closed connection. */
  reconnectMs: 2_000,
};

export type PeerOptions = { -readonly [K in keyof typeof DEFAULTS]: (typeof DEFAULTS)[K] };

export class OptionError extends Error {
  readonly code = 'BT_ERR_OPTION';
}

export function readOptions(raw: Readonly<Record<string, unknown>>): PeerOptions {
  const o = { ...DEFAULTS, ...raw } as PeerOptions;
  const peers = raw['peer'];
  o.peer = typeof peers === 'string' ? [peers] : Array.isArray(peers) ? peers.map(String) : [];
  if (o.seed !== '' && o.torrent !== '') throw new OptionError('give either --seed (with --torrent-out) or --torrent (with --out), not both');
  if (o.seed === '' && o.torrent === '') throw new OptionError('nothing to do: give --seed <file-or-dir> --torrent-out <file> or --torrent <file> --out <dir>');
  if (o.seed !== '' && o.torrentOut === '') throw new OptionError('--seed needs --torrent-out <file.torrent>');
  if (o.torrent !== '' && o.out === '') throw new OptionError('--torrent needs --out <dir>');
  for (const p of o.peer) parseAddress(p);
  return o;
}

export function parseAddress(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) throw new OptionError(`--peer ${text}: expected host:port`);
  return { host: text.slice(0, at).replace(/^\[|\]$/g, ''), port };
}

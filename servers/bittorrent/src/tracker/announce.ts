/**
 * HTTP tracker announces (BEP 3) with compact peer lists (BEP 23; a dictionary list is read too).
 */

import bencode from 'bencode';

export interface AnnounceQuery {
  readonly url: string;
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  readonly port: number;
  readonly uploaded: number;
  readonly downloaded: number;
  readonly left: number;
  readonly event: '' | 'started' | 'completed' | 'stopped';
  readonly numwant?: number;
}

export interface AnnounceReply {
  readonly interval: number;
  readonly peers: string[];
}

export class TrackerError extends Error {
  readonly code = 'BT_ERR_TRACKER';
}

/** Percent-encodes raw bytes, as trackers expect info_hash and peer_id. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9.\-_~]/.test(c) ? c : `%${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export function announceUrl(q: AnnounceQuery): string {
  const params = [
    `info_hash=${escapeBytes(q.infoHash)}`,
    `peer_id=${escapeBytes(q.peerId)}`,
    `port=${q.port}`,
    `uploaded=${q.uploaded}`,
    `downloaded=${q.downloaded}`,
    `left=${q.left}`,
    'compact=1',
    `numwant=${q.numwant ?? 50}`,
  ];
  if (q.event !== '') params.push(`event=${q.event}`);
  return `${q.url}${q.url.includes('?') ? '&' : '?'}${params.join('&')}`;
}

export function parseReply(body: Uint8Array): AnnounceReply {
  let d: any;
  try {
    d = bencode.decode(body);
  } catch (error) {
    throw new TrackerError(`tracker reply is not bencoded: ${(error as Error).message}`);
  }
  if (d === null || typeof d !== 'object') throw new TrackerError('tracker reply is not a dictionary');
  if (d['failure reason'] !== undefined) throw new TrackerError(`tracker: ${Buffer.from(d['failure reason']).toString()}`);
  const peers: string[] = [];
  const raw = d.peers;
  if (raw instanceof Uint8Array) {
    for (let i = 0; i + 6 <= raw.length; i += 6) {
      peers.push(`${raw[i]}.${raw[i + 1]}.${raw[i + 2]}.${raw[i + 3]}:${(raw[i + 4]! << 8) | raw[i + 5]!}`);
    }
  } else if (Array.isArray(raw)) {
    for (const p of raw) {
      if (p && p.ip !== undefined && typeof p.port === 'number') peers.push(`${Buffer.from(p.ip).toString()}:${p.port}`);
    }
  }
  const interval = typeof d.interval === 'number' && d.interval > 0 ? d.interval : 1800;
  return { interval, peers };
}

export async function announce(q: AnnounceQuery, timeoutMs = 10_000): Promise<AnnounceReply> {
  let response: Response;
  try {
    response = await fetch(announceUrl(q), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new TrackerError(`tracker ${q.url} cannot be reached: ${(error as Error).message}`);
  }
  if (!response.ok) throw new TrackerError(`tracker ${q.url} answered ${response.status}`);
  return parseReply(new Uint8Array(await response.arrayBuffer()));
}

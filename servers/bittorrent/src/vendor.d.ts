// Declarations for the untyped packages this server uses (only what it calls).

declare module 'parse-torrent' {
  interface ParsedFile { path: string; name: string; length: number; offset: number }
  interface ParsedTorrent {
    infoHash: string; infoHashBuffer: Uint8Array; infoBuffer?: Uint8Array; name?: string; announce?: string[];
    files?: ParsedFile[]; length?: number; pieceLength?: number; lastPieceLength?: number; pieces?: string[];
  }
  export default function parseTorrent(input: Uint8Array | string): Promise<ParsedTorrent>;
}

declare module 'create-torrent' {
  interface CreateOptions { name?: string; announceList?: string[][]; pieceLength?: number; createdBy?: string; urlList?: string[] }
  export default function createTorrent(input: string | string[], opts: CreateOptions, cb: (err: Error | null, torrent: Uint8Array) => void): void;
}

declare module 'bencode' {
  const bencode: { encode(value: unknown): Uint8Array; decode(data: Uint8Array, encoding?: string): any };
  export default bencode;
}

declare module 'bittorrent-tracker' {
  import type { Server as HttpServer } from 'node:http';
  export class Server {
    constructor(options: { udp?: boolean; ws?: boolean; http?: boolean; stats?: boolean; trustProxy?: boolean });
    readonly http: HttpServer | null;
    listen(port: number, host: string, cb: () => void): void;
    close(cb?: () => void): void;
    on(event: string, listener: (...args: any[]) => void): this;
  }
}

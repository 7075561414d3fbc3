/**
 * The complete 200 responses of raw-net's cached files: head and body in one Buffer, built once per file,
 * connection variant and second (the Date header changes each second), so that a hit is one `socket.write` of
 * bytes that already exist. The Flux web server keeps the same thing on each thread (its ResponseMemo), with the
 * same bounds: `budgetBytes` of responses (its --hot-response-bytes, 16 MiB by default) and no body over
 * `maxBodyBytes` (256 KiB); past the budget the entries built longest ago go first.
 *
 * A memo, never a source of truth: an entry is used only in the second it was built and while the cached file
 * has the size and mtime it was built from (the file cache decides whether the file is fresh). A response is
 * never changed once built, so a write still queued keeps sending the right bytes after its entry is replaced.
 */
import type { HeldFile, ServedFile } from './file-cache.ts';
import { httpDate } from './http-file-headers.ts';

/** The Connection header of a 200: keep-alive by default (HTTP/1.1), keep-alive asked for (HTTP/1.0), close. */
export const VARIANT_KEEP_ALIVE = 0;
export const VARIANT_KEEP_ALIVE_10 = 1;
export const VARIANT_CLOSE = 2;
export type Variant = typeof VARIANT_KEEP_ALIVE | typeof VARIANT_KEEP_ALIVE_10 | typeof VARIANT_CLOSE;

/** The Connection line each variant sends (none for the HTTP/1.1 default). */
export const CONNECTION_LINE: readonly string[] = ['', 'Connection: keep-alive\r\n', 'Connection: close\r\n'];

export function variantOf(version: '1.0' | '1.1', keepAlive: boolean): Variant {
  if (!keepAlive) return VARIANT_CLOSE;
  return version === '1.0' ? VARIANT_KEEP_ALIVE_10 : VARIANT_KEEP_ALIVE;
}

/** The head of a 200 for `file`, as raw-net sends it. */
export function okHead(server: string, file: ServedFile, variant: Variant, now: number): string {
  return `HTTP/1.1 200 OK\r\nServer: ${server}\r\nDate: ${httpDate(now)}\r\n` + file.headerLines + CONNECTION_LINE[variant] + '\r\n';
}

interface Entry {
  size: number;
  mtimeMs: number;
  /** The second (ms since the epoch / 1000) its responses were built in. */
  second: number;
  readonly responses: (Buffer | undefined)[];
  bytes: number;
}

export class HotResponses {
  readonly server: string;
  readonly budgetBytes: number;
  /** Larger bodies get no complete response (raw-net writes their head and body apart). */
  readonly maxBodyBytes: number;
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(server: string, budgetBytes: number, maxBodyBytes: number) {
    this.server = server;
    this.budgetBytes = budgetBytes;
    this.maxBodyBytes = Math.min(maxBodyBytes, budgetBytes);
  }

  /** Bytes of responses held. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** The complete 200 response to a GET of `file` (at `path`), or undefined when its body is over `maxBodyBytes`. */
  response(path: string, file: HeldFile, variant: Variant, now: number): Buffer | undefined {
    if (file.size > this.maxBodyBytes) return undefined;
    const second = Math.floor(now / 1000);
    const entry = this.entries.get(path);
    if (entry !== undefined && entry.second === second && entry.size === file.size && entry.mtimeMs === file.mtimeMs) {
      const ready = entry.responses[variant];
      if (ready !== undefined) return ready;
    }
    return this.build(path, entry, file, variant, now, second);
  }

  private build(path: string, found: Entry | undefined, file: HeldFile, variant: Variant, now: number, second: number): Buffer {
    const head = okHead(this.server, file, variant, now);
    const response = Buffer.allocUnsafe(head.length + file.body.length);
    response.write(head, 0, 'latin1');
    file.body.copy(response, head.length);

    let entry = found;
    if (entry === undefined) {
      entry = { size: file.size, mtimeMs: file.mtimeMs, second, responses: [undefined, undefined, undefined], bytes: 0 };
    } else {
      // Moved to the back: the map's order is the order entries were (re)built in.
      this.entries.delete(path);
      if (entry.second !== second || entry.size !== file.size || entry.mtimeMs !== file.mtimeMs) {
        this.bytes -= entry.bytes;
        entry.responses.fill(undefined);
        entry.bytes = 0;
        entry.second = second;
        entry.size = file.size;
        entry.mtimeMs = file.mtimeMs;
      }
    }
    const previous = entry.responses[variant];
    if (previous !== undefined) {
      entry.bytes -= previous.length;
      this.bytes -= previous.length;
    }
    entry.responses[variant] = response;
    entry.bytes += response.length;
    this.bytes += response.length;
    this.entries.set(path, entry);
    this.trim();
    return response;
  }

  private trim(): void {
    if (this.bytes <= this.budgetBytes) return;
    for (const [path, entry] of this.entries) {
      this.entries.delete(path);
      this.bytes -= entry.bytes;
      if (this.bytes <= this.budgetBytes) return;
    }
  }
}

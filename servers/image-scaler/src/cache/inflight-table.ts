/**
 * In-flight miss coalescing across threads: a table in one SharedArrayBuffer that says "this key is being
 * computed right now". It sits beside the runtime's ByteCache (which holds finished results) and needs no lock
 * of its own: claiming and releasing are single atomic operations on one word.
 *
 * A key hashes to one slot. The slot word is 0 when free, otherwise the claiming key's tag (its 32-bit hash,
 * never 0). `claim` compare-exchanges 0 -> tag:
 * - it won: the caller is the owner and must compute the result, store it, then `release`;
 * - the word already holds this key's tag: the caller is a waiter, it `wait`s for the owner's release and then
 *   looks in the cache again (the result is there unless it could not be cached);
 * - the word holds another key's tag (two keys sharing a slot): the caller computes on its own, uncoordinated.
 * A tag can be shared by two different keys (a 32-bit hash collision); a waiter then finds nothing in the cache
 * after the wake-up and computes on its own. Coalescing is an optimisation; every path still gives the right answer.
 *
 * An owner whose flow dies without releasing (its thread crashed) would block its key forever: each slot also
 * records when it was claimed, and a claim older than `staleAfterMs` may be taken over by the next claimer.
 *
 * Memory: per slot two Int32 words (tag, claimed-at in seconds since the table's epoch), then counters.
 */

const WORDS_PER_SLOT = 2;
const W_TAG = 0;
const W_CLAIMED_AT = 1;

export const C_COALESCED = 0;
export const C_UNCOORDINATED = 1;
export const C_TAKEOVERS = 2;
const COUNTER_WORDS = 4;

export type Claim =
  /** Compute, store, then release. */
  | { readonly role: 'owner'; readonly slot: number; readonly tag: number }
  /** Someone else computes it: wait for their release, then look in the cache again. */
  | { readonly role: 'waiter'; readonly slot: number; readonly tag: number }
  /** The slot is busy with another key: compute without coordination (nothing to release). */
  | { readonly role: 'alone'; readonly slot: -1; readonly tag: 0 };

export interface InflightOptions {
  /** Slots in the table, a power of two. Concurrent distinct misses beyond this compute uncoordinated. */
  readonly slots: number;
  /** A claim older than this may be taken over (its owner is presumed dead). */
  readonly staleAfterMs: number;
}

export const DEFAULT_INFLIGHT_OPTIONS: InflightOptions = { slots: 1024, staleAfterMs: 60_000 };

export class InflightTable {
  readonly options: InflightOptions;
  private readonly words: Int32Array;
  private readonly counters: Int32Array;
  private readonly mask: number;
  /** Seconds are counted from a fixed epoch so they fit an Int32 for decades. */
  private static readonly EPOCH_MS = Date.UTC(2026, 0, 1);

  static byteLength(options: InflightOptions): number {
    return (options.slots * WORDS_PER_SLOT + COUNTER_WORDS) * 4;
  }

  constructor(buffer: SharedArrayBuffer, options: InflightOptions = DEFAULT_INFLIGHT_OPTIONS) {
    if (!Number.isInteger(options.slots) || options.slots < 1 || (options.slots & (options.slots - 1)) !== 0) {
      throw new RangeError(`inflight table: slots must be a power of two, got ${options.slots}`);
    }
    if (buffer.byteLength < InflightTable.byteLength(options)) throw new RangeError('inflight table: buffer too small');
    this.options = options;
    this.mask = options.slots - 1;
    this.words = new Int32Array(buffer, 0, options.slots * WORDS_PER_SLOT);
    this.counters = new Int32Array(buffer, options.slots * WORDS_PER_SLOT * 4, COUNTER_WORDS);
  }

  claim(key: string): Claim {
    const hash = tagOf(key);
    const slot = (hash >>> 0) & this.mask;
    const at = slot * WORDS_PER_SLOT;
    const previous = Atomics.compareExchange(this.words, at + W_TAG, 0, hash);
    if (previous === 0) {
      Atomics.store(this.words, at + W_CLAIMED_AT, this.nowSeconds());
      return { role: 'owner', slot, tag: hash };
    }
    const claimedAt = Atomics.load(this.words, at + W_CLAIMED_AT);
    if (this.nowSeconds() - claimedAt > this.options.staleAfterMs / 1000 &&
        Atomics.compareExchange(this.words, at + W_TAG, previous, hash) === previous) {
      Atomics.store(this.words, at + W_CLAIMED_AT, this.nowSeconds());
      Atomics.add(this.counters, C_TAKEOVERS, 1);
      Atomics.notify(this.words, at + W_TAG);
      return { role: 'owner', slot, tag: hash };
    }
    if (previous === hash) {
      Atomics.add(this.counters, C_COALESCED, 1);
      return { role: 'waiter', slot, tag: hash };
    }
    Atomics.add(this.counters, C_UNCOORDINATED, 1);
    return { role: 'alone', slot: -1, tag: 0 };
  }

  /** Ends an owner's claim and wakes its waiters. Safe to call twice, and for non-owners (does nothing). */
  release(claim: Claim): void {
    if (claim.role !== 'owner') return;
    const at = claim.slot * WORDS_PER_SLOT + W_TAG;
    if (Atomics.compareExchange(this.words, at, claim.tag, 0) === claim.tag) Atomics.notify(this.words, at);
  }

  /**
   * Resolves once the slot no longer holds the waiter's tag (or after `timeoutMs`, a safety net). Never blocks the
   * thread (Atomics.waitAsync), so it is fine on the main thread and on a worker running other flows.
   */
  async wait(claim: Claim, timeoutMs: number): Promise<void> {
    if (claim.role !== 'waiter') return;
    const at = claim.slot * WORDS_PER_SLOT + W_TAG;
    const deadline = Date.now() + timeoutMs;
    // A pending waitAsync does not keep the event loop alive by itself.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      // The slot can be released and re-claimed for the same key in between; wait for that owner too.
      while (Atomics.load(this.words, at) === claim.tag) {
        const left = deadline - Date.now();
        if (left <= 0) return;
        const result = Atomics.waitAsync(this.words, at, claim.tag, left);
        if (result.async) await result.value;
        else if (result.value === 'timed-out') return;
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Keys being computed right now. */
  inflight(): number {
    let count = 0;
    for (let slot = 0; slot < this.options.slots; slot++) if (Atomics.load(this.words, slot * WORDS_PER_SLOT + W_TAG) !== 0) count++;
    return count;
  }

  counter(which: number): number {
    return Atomics.load(this.counters, which);
  }

  private nowSeconds(): number {
    return Math.floor((Date.now() - InflightTable.EPOCH_MS) / 1000);
  }
}

/** FNV-1a over UTF-16 code units, never 0 (0 marks a free slot). */
function tagOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h | 0) === 0 ? 1 : h | 0;
}

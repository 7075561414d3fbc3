/**
 * The simulator's future-event list: a binary min-heap on time, ties broken by insertion order (so that
 * simultaneous events run first-scheduled first, and a run is the same for a seed). Times and sequence numbers
 * live in typed arrays; the payload is an object reference and a small integer kind, so scheduling allocates
 * nothing once the arrays have grown.
 */
export class EventQueue<T> {
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private kinds = new Int32Array(1024);
  private items: (T | undefined)[] = new Array(1024);
  private n = 0;
  private seq = 0;

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Infinity;
  }

  push(time: number, kind: number, item: T): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const seq = this.seq++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < time || (pt === time && seqs[p]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      this.kinds[i] = this.kinds[p]!;
      this.items[i] = this.items[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.items[i] = item;
  }

  /** Removes the earliest event; read it first with `topTime`, `topKind`, `topItem`. */
  topTime = 0;
  topKind = 0;
  topItem: T | undefined = undefined;

  pop(): boolean {
    if (this.n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const items = this.items;
    this.topTime = times[0]!;
    this.topKind = kinds[0]!;
    this.topItem = items[0];
    const last = --this.n;
    if (last === 0) {
      items[0] = undefined;
      return true;
    }
    const t = times[last]!;
    const s = seqs[last]!;
    const k = kinds[last]!;
    const it = items[last];
    items[last] = undefined;
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (times[r]! < times[c]! || (times[r] === times[c] && seqs[r]! < seqs[c]!))) c = r;
      if (t < times[c]! || (t === times[c] && s < seqs[c]!)) break;
      times[i] = times[c]!;
      seqs[i] = seqs[c]!;
      kinds[i] = kinds[c]!;
      items[i] = items[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    kinds[i] = k;
    items[i] = it;
    return true;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const times = new Float64Array(size);
    times.set(this.times);
    const seqs = new Float64Array(size);
    seqs.set(this.seqs);
    const kinds = new Int32Array(size);
    kinds.set(this.kinds);
    this.times = times;
    this.seqs = seqs;
    this.kinds = kinds;
    this.items.length = size;
  }
}

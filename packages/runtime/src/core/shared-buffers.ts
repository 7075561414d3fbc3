/**
 * The name -> SharedArrayBuffer table behind `SetupContext.shared`. The main thread creates buffers on first
 * request; a worker gets the table (`toRecord()`, sent in its workerData) and may only look names up.
 */

import { codes, FluxError } from '../errors.ts';

export class SharedBuffers {
  private readonly buffers = new Map<string, SharedArrayBuffer>();
  private readonly canCreate: boolean;

  /** `canCreate`: true on the main thread; false for a worker's copy of the table. */
  constructor(canCreate: boolean, initial?: Readonly<Record<string, SharedArrayBuffer>>) {
    this.canCreate = canCreate;
    if (initial !== undefined) for (const [name, buffer] of Object.entries(initial)) this.buffers.set(name, buffer);
  }

  get(name: string, byteLength: number): SharedArrayBuffer {
    const existing = this.buffers.get(name);
    if (existing !== undefined) {
      if (existing.byteLength !== byteLength) {
        throw new FluxError(
          codes.SHARED_SIZE,
          `shared buffer "${name}" exists with ${existing.byteLength} bytes; asked for ${byteLength}`,
        );
      }
      return existing;
    }
    if (!this.canCreate) {
      throw new FluxError(
        codes.SHARED_SIZE,
        `shared buffer "${name}" was not created on the main thread: setup must ask for the same names on every thread`,
      );
    }
    const buffer = new SharedArrayBuffer(byteLength);
    this.buffers.set(name, buffer);
    return buffer;
  }

  names(): string[] {
    return [...this.buffers.keys()];
  }

  /** A structured-cloneable copy of the table: the buffers are shared, not copied, by postMessage. */
  toRecord(): Record<string, SharedArrayBuffer> {
    return Object.fromEntries(this.buffers);
  }
}

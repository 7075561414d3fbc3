/**
 * Connection ids under `workers`: each thread registers its own sockets, and ids must still be unique across
 * threads (session keys are made of them) and say which thread owns the socket (io on another thread's
 * connection is forwarded there). So an id is `sequence * ID_SLOTS + slot`, `slot` the owner's (a worker's
 * index, or the main thread's), the sequence a per-slot counter in shared memory: a replacement worker takes
 * over its slot's counter, so ids are never reused while the server runs.
 */

/** Slots: worker indices 0..ID_SLOTS-2, and the main thread. */
export const ID_SLOTS = 256;

export function connIdMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(ID_SLOTS * 4);
}

/** The id allocator of one slot (for ConnectionRegistry.setIdAllocator). */
export function connIdAllocator(memory: SharedArrayBuffer, slot: number): () => number {
  const counters = new Uint32Array(memory);
  // Sequences start at 1, so no id is below ID_SLOTS; 2^32 sequences per slot keep ids safe integers.
  return () => (Atomics.add(counters, slot, 1) + 1) * ID_SLOTS + slot;
}

/** The slot of the thread that owns connection `id`. */
export function ownerOf(id: number): number {
  return id % ID_SLOTS;
}

/** A lock is its name and scope: `cache(program)` and `cache(session)` are different locks. */
export interface LockId {
  readonly name: string;
  readonly scope: 'program' | 'session';
}

export type LockMode = 'read' | 'write';

export function lockKey(lock: LockId): string {
  return `${lock.name}(${lock.scope})`;
}

/** The one canonical order: by name (code-unit order), then program scope before session scope. */
export function compareLocks(a: LockId, b: LockId): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.scope === b.scope) return 0;
  return a.scope === 'program' ? -1 : 1;
}

/** The distinct locks, sorted canonically; a lock's index in the result is its rank. */
export function canonicalOrder(locks: Iterable<LockId>): LockId[] {
  const byKey = new Map<string, LockId>();
  for (const lock of locks) byKey.set(lockKey(lock), { name: lock.name, scope: lock.scope });
  return [...byKey.values()].sort(compareLocks);
}

/** True when holding a lock in mode `held` covers a need for mode `needed` (a writer covers a reader). */
export function strongerOrEqual(held: LockMode, needed: LockMode): boolean {
  return held === 'write' || needed === 'read';
}

/**
 * Sessions on the main thread: key -> record. A record lives from the session's first flow until the session
 * has ended (SourceContext.endSession) and its flows have finished; then `onClose` frees what it holds (its
 * slot in the shared session table, and under `thread` the worker it has, which goes on to serve others). A flow
 * arriving for a key whose session has ended starts a new session: the old record drains on its own.
 *
 * What a session owns across its flows lives here and in shared memory (its slot's lock words), never in a worker:
 * under `thread` a session's flows may run on one worker, then (after a pause with none running) on another.
 */

import type { SessionKey } from '../api.ts';
import type { SessionSlot, SessionTable } from '../shared/session-table.ts';
import { sessionToken, type SessionToken } from './protocol.ts';

export interface SessionRecord<Extra> {
  readonly key: SessionKey;
  /** Slot in the shared session table, when the program has session-scope locks. */
  readonly slot: SessionSlot | null;
  /** What the worker's lock manager gets for this session's flows (-1 without a slot). */
  readonly token: SessionToken;
  flows: number;
  ended: boolean;
  /** Runtime-specific state (under `thread`: the worker it has now, if any, and its flows waiting for one). */
  readonly extra: Extra;
}

export class SessionBook<Extra> {
  private readonly open = new Map<SessionKey, SessionRecord<Extra>>();
  private readonly table: SessionTable | null;
  private readonly makeExtra: () => Extra;
  private readonly onClose: (record: SessionRecord<Extra>) => void;
  private live = 0;

  /** `table`: the shared session table, or null when the program has no session-scope locks. */
  constructor(table: SessionTable | null, makeExtra: () => Extra, onClose: (record: SessionRecord<Extra>) => void) {
    this.table = table;
    this.makeExtra = makeExtra;
    this.onClose = onClose;
  }

  /** Sessions not yet closed (open ones and ended ones still draining). */
  get size(): number {
    return this.live;
  }

  get(key: SessionKey): SessionRecord<Extra> | undefined {
    return this.open.get(key);
  }

  /** The open session for `key`, started if needed; null when no session slot is free. */
  getOrOpen(key: SessionKey): SessionRecord<Extra> | null {
    const existing = this.open.get(key);
    if (existing !== undefined) return existing;
    let slot: SessionSlot | null = null;
    if (this.table !== null) {
      slot = this.table.open();
      if (slot === null) return null;
    }
    const record: SessionRecord<Extra> = {
      key,
      slot,
      token: slot === null ? -1 : sessionToken(slot.slot, slot.generation),
      flows: 0,
      ended: false,
      extra: this.makeExtra(),
    };
    this.open.set(key, record);
    this.live++;
    return record;
  }

  flowStarted(record: SessionRecord<Extra>): void {
    record.flows++;
  }

  flowEnded(record: SessionRecord<Extra>): void {
    record.flows--;
    if (record.flows === 0 && record.ended) this.close(record);
  }

  /** Ends the session: closed now if no flow of it runs, else when the last one ends. */
  end(key: SessionKey): void {
    const record = this.open.get(key);
    if (record === undefined) return;
    this.open.delete(key);
    record.ended = true;
    if (record.flows === 0) this.close(record);
  }

  /** Every record not yet closed, open or draining (for shutdown). */
  openRecords(): SessionRecord<Extra>[] {
    return [...this.open.values()];
  }

  private close(record: SessionRecord<Extra>): void {
    this.live--;
    if (record.slot !== null) this.table!.close(record.slot);
    this.onClose(record);
  }
}

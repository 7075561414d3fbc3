/** The values that flow between the CPU server's nodes (the types cpu.flux imports): plain data, cloneable. */

export type { Conn } from '@flux/runtime/api.ts';

/** A request for a digest, read and checked. */
export interface DigestRequest {
  /** Hash rounds, 1 to the server's `maxRounds`. */
  readonly rounds: number;
  readonly version: '1.0' | '1.1';
  /** Whether the connection stays open after the response (the HTTP source's rule, `keepAliveOf`). */
  readonly keepAlive: boolean;
}

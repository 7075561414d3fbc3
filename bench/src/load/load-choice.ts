/**
 * Which load generator drives a run: `--load <name>` when given (it must be one the profile supports, and
 * installed), else the fastest the profile supports that is installed. The profile lists its clients fastest
 * first; wrk needs its binary, autocannon and profile-specific clients are always there.
 */
import { BenchError, benchCodes } from '../errors.ts';

/** The harness's own clients; a profile may support others of its own (the image scaler's raw client). */
export const WRK = 'wrk';
export const AUTOCANNON = 'autocannon';

export interface LoadChoice {
  /** A name from the profile's `loadClients`. */
  readonly kind: string;
  /** The wrk binary, when kind is wrk. */
  readonly wrkBinary?: string;
  /** wrk threads (--wrk-threads), when kind is wrk. */
  readonly wrkThreads: number;
  /** Said in the run output and kept in the record's notes (starts with "load generator"). */
  readonly note?: string;
}

export interface LoadChoiceInput {
  /** `--load`, when given. */
  readonly requested?: string;
  /** The clients that can drive this run (the profile's, or those it allows with these options), fastest first. */
  readonly supported: readonly string[];
  /** Why a client the profile knows is not among them with these options (Profile.loadClientsFor). */
  readonly why?: string;
  /** findWrk()'s answer. */
  readonly wrkBinary: string | undefined;
  readonly wrkThreads: number;
}

/** Why autocannon makes fast targets indistinguishable (the README gives the figures measured with it and with wrk). */
export const AUTOCANNON_CAP_NOTE =
  'autocannon is one Node thread that parses every response in JavaScript, so it saturates long before a fast server ' +
  'does (the ceiling row shows where): targets near its ceiling measure about the same and are flagged capped';

export function chooseLoadClient(input: LoadChoiceInput): LoadChoice {
  const { requested, supported, why, wrkBinary, wrkThreads } = input;
  if (supported.length === 0) throw new BenchError(benchCodes.USAGE, 'the profile supports no load client');
  if (requested !== undefined) {
    if (!supported.includes(requested)) {
      throw new BenchError(
        benchCodes.USAGE,
        why
          ? `--load: ${requested} cannot drive this run: ${why} (with these options it supports ${supported.join(', ')})`
          : `--load: ${requested} cannot drive this profile (it supports ${supported.join(', ')})`,
      );
    }
    if (requested === WRK && !wrkBinary) {
      throw new BenchError(benchCodes.UNAVAILABLE, 'wrk is not installed (looked at $WRK, PATH and /usr/bin): apt-get install wrk, or choose --load autocannon');
    }
    return requested === WRK ? { kind: WRK, wrkBinary, wrkThreads } : { kind: requested, wrkThreads };
  }
  for (const kind of supported) {
    if (kind === WRK && !wrkBinary) continue;
    if (kind === WRK) return { kind, wrkBinary, wrkThreads };
    const skippedWrk = supported.indexOf(WRK) >= 0 && supported.indexOf(WRK) < supported.indexOf(kind);
    if (kind === AUTOCANNON && skippedWrk) {
      return { kind, wrkThreads, note: `load generator: wrk is not installed (apt-get install wrk), so autocannon drives this run; ${AUTOCANNON_CAP_NOTE}` };
    }
    return { kind, wrkThreads };
  }
  // Only wrk is supported, and it is not there.
  throw new BenchError(benchCodes.UNAVAILABLE, 'this profile needs wrk, which is not installed (looked at $WRK, PATH and /usr/bin): apt-get install wrk');
}

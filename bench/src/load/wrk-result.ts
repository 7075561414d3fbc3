/** Reads the line the wrk script's `done` hook prints (wrk-script.ts) into a RunMeasurement. */
import { WRK_RESULT_MARKER } from './wrk-script.ts';
import type { RunMeasurement } from './types.ts';

/** What `done` prints after the marker; times in microseconds, as wrk keeps them. */
export interface WrkSummary {
  readonly requests: number;
  readonly duration_us: number;
  readonly bytes: number;
  readonly errors: { readonly connect: number; readonly read: number; readonly write: number; readonly status: number; readonly timeout: number };
  readonly latency_us: { readonly mean: number; readonly max: number; readonly p50: number; readonly p90: number; readonly p99: number };
  /** CPU seconds wrk used, all threads (absent from lines of scripts older than this field). */
  readonly cpu_s?: number;
}

/** The summary in wrk's stdout, or undefined when the line is missing or malformed (wrk died, or the script failed). */
export function findWrkSummary(stdout: string): WrkSummary | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(WRK_RESULT_MARKER));
  if (!line) return undefined;
  try {
    const parsed = JSON.parse(line.slice(WRK_RESULT_MARKER.length)) as WrkSummary;
    const numbers = [parsed.requests, parsed.duration_us, parsed.bytes, ...Object.values(parsed.errors), ...Object.values(parsed.latency_us)];
    if (parsed.cpu_s !== undefined) numbers.push(parsed.cpu_s);
    return numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * wrk's figures in the harness's terms. Differences from autocannon's, documented in the README:
 * bytes are every byte read (any status); latency covers every response and includes wrk's own correction for
 * coordinated omission; `non2xx` is wrk's status error count, statuses above 399 only.
 */
export function wrkMeasurement(summary: WrkSummary): RunMeasurement {
  const seconds = summary.duration_us / 1e6;
  const perSecond = (n: number) => (seconds > 0 ? n / seconds : 0);
  const e = summary.errors;
  const l = summary.latency_us;
  return {
    requests: summary.requests,
    durationSeconds: seconds,
    requestsPerSecond: perSecond(summary.requests),
    bytesPerSecond: perSecond(summary.bytes),
    latencyMs: { mean: l.mean / 1000, p50: l.p50 / 1000, p90: l.p90 / 1000, p99: l.p99 / 1000, max: l.max / 1000 },
    non2xx: e.status,
    // As autocannon counts them: connection errors, timeouts included; non-2xx apart.
    errors: e.connect + e.read + e.write + e.timeout,
    timeouts: e.timeout,
    ...(summary.cpu_s !== undefined ? { loadClientCpuSeconds: summary.cpu_s } : {}),
  };
}

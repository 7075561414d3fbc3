/** What a load client is and what one measured run yields. A profile may bring its own client. */

export interface LoadRunRequest {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** A warm-up run: measured, but not kept. */
  readonly warmup: boolean;
}

export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One run of one target at one connection count. */
export interface RunMeasurement {
  /** Completed responses (any status). */
  readonly requests: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  /** Response bytes (headers and bodies) a second. */
  readonly bytesPerSecond: number;
  /** Milliseconds. */
  readonly latencyMs: LatencySummary;
  /** Responses with a status outside 2xx. */
  readonly non2xx: number;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  /** CPU time the load client used for the run, when it reports it (wrk: every thread, its start included). */
  readonly loadClientCpuSeconds?: number;
}

export interface LoadClient {
  /** Name and version, recorded with the results (e.g. `autocannon 9.0.0`). */
  readonly name: string;
  /** Starts whatever the client needs (its own process). */
  open(): Promise<void>;
  run(request: LoadRunRequest): Promise<RunMeasurement>;
  close(): Promise<void>;
}

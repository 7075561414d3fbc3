/**
 * The Universal Scalability Law (Gunther): X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)), fitted to
 * measured throughputs. With two points (1 and 10 connections, as validation measures them) three parameters
 * cannot all be identified, so the fit is lambda = X(1) and sigma from X(10) with kappa = 0 (Amdahl's law); with
 * three or more points, kappa too, by least squares on the linearised form (Gunther's regression:
 * N / (X(N)/lambda) - 1 = sigma (N - 1) + kappa N (N - 1)). Latency by Little's law, R = N / X.
 */

export interface UslFit {
  readonly lambda: number;
  readonly sigma: number;
  readonly kappa: number;
  readonly points: number;
}

export function fitUsl(measured: readonly { connections: number; throughput: number }[]): UslFit {
  const pts = measured.filter((p) => p.connections > 0 && p.throughput > 0).sort((a, b) => a.connections - b.connections);
  const base = pts.find((p) => p.connections === 1);
  if (base === undefined) throw new Error('the USL fit needs the throughput at 1 connection');
  const lambda = base.throughput;
  const rest = pts.filter((p) => p.connections > 1);
  if (rest.length === 0) return { lambda, sigma: 0, kappa: 0, points: 1 };
  // y = N / C(N) - 1 with C(N) = X(N) / lambda; x1 = N - 1, x2 = N (N - 1).
  const rows = rest.map((p) => ({ y: p.connections / (p.throughput / lambda) - 1, x1: p.connections - 1, x2: p.connections * (p.connections - 1) }));
  if (rows.length === 1) {
    const sigma = Math.max(0, rows[0]!.y / rows[0]!.x1);
    return { lambda, sigma, kappa: 0, points: 2 };
  }
  // Least squares through the origin in two unknowns.
  let s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0;
  for (const r of rows) {
    s11 += r.x1 * r.x1;
    s12 += r.x1 * r.x2;
    s22 += r.x2 * r.x2;
    t1 += r.x1 * r.y;
    t2 += r.x2 * r.y;
  }
  const det = s11 * s22 - s12 * s12;
  let sigma = det !== 0 ? (t1 * s22 - t2 * s12) / det : 0;
  let kappa = det !== 0 ? (s11 * t2 - s12 * t1) / det : 0;
  if (kappa < 0) {
    kappa = 0;
    sigma = t1 / s11;
  }
  if (sigma < 0) sigma = 0;
  return { lambda, sigma, kappa, points: rows.length + 1 };
}

export function uslThroughput(fit: UslFit, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

export function uslPredict(fit: UslFit, connections: readonly number[]): { connections: number; throughput: number; p50Ms: number }[] {
  return connections.map((n) => {
    const x = uslThroughput(fit, n);
    return { connections: n, throughput: x, p50Ms: (n / x) * 1000 };
  });
}

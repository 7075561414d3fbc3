/**
 * The progress display on stderr while a benchmark runs (cli-progress): one bar over the planned seconds, the
 * current step, and an ETA. Silent when stderr is not a terminal (CI logs, pipes): then only the final table
 * and errors are printed.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** A note printed above the bar (or nothing when silent). */
  log(message: string): void;
  /** Starts a step expected to take `seconds`; the bar advances with the clock within the step. */
  step(label: string, seconds: number): void;
  /** Marks the current step done. */
  done(): void;
  stop(): void;
}

export function createProgress(totalSeconds: number, enabled: boolean): Progress {
  if (!enabled) return { log() {}, step() {}, done() {}, stop() {} };
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {elapsed}s of ~{total}s | {step}',
      hideCursor: true,
      clearOnComplete: true,
      stopOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const total = Math.max(1, Math.round(totalSeconds));
  const bar = multi.create(total, 0, { step: 'starting', elapsed: 0 });
  const startedAt = Date.now();
  let completed = 0;
  let current = { label: 'starting', seconds: 0, since: Date.now() };
  const render = () => {
    const within = Math.min(current.seconds, (Date.now() - current.since) / 1000);
    bar.update(Math.min(total, Math.round(completed + within)), {
      step: current.label,
      elapsed: Math.round((Date.now() - startedAt) / 1000),
    });
  };
  const timer = setInterval(render, 250);
  timer.unref();
  return {
    log(message) {
      multi.log(message.endsWith('\n') ? message : `${message}\n`);
    },
    step(label, seconds) {
      current = { label, seconds, since: Date.now() };
      render();
    },
    done() {
      completed += current.seconds;
      current = { ...current, seconds: 0, since: Date.now() };
      render();
    },
    stop() {
      clearInterval(timer);
      multi.stop();
    },
  };
}

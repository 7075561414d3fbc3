/**
 * What serve.ts shows and does while the peer runs (main thread): a progress bar on a terminal, a line when the
 * download completes, and the exit with --exit-on-complete.
 */

import cliProgress from 'cli-progress';
import type { ServingServer } from '@flux/runtime/cli/run-server.ts';
import { maybeContext } from './context.ts';
import { BYTES_DOWNLOADED, C_BANS, C_HASH_FAILS, C_HAVE, C_PEERS } from './state/swarm-state.ts';

export function watchProgress(serving: ServingServer): void {
  const pc = maybeContext();
  if (pc === undefined) return;
  const st = pc.state;
  const total = st.g.numPieces;
  const started = Date.now();
  const startBytes = st.bytesOf(BYTES_DOWNLOADED);
  const bar = process.stdout.isTTY && !st.complete()
    ? new cliProgress.SingleBar({ format: 'bittorrent |{bar}| {percentage}% {value}/{total} pieces, {peers} peers, {rate} MiB/s', hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(total, st.counter(C_HAVE), { peers: 0, rate: '0.0' });
  if (pc.options.torrent !== '') process.stdout.write(`bittorrent: ${pc.verifiedOnStart} of ${total} pieces verified on disk\n`);
  let reported = st.complete();
  if (reported) process.stdout.write(`bittorrent: complete (${pc.meta.name}, ${pc.meta.length} bytes verified)\n`);
  const check = (): void => {
    const have = st.counter(C_HAVE);
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = ((st.bytesOf(BYTES_DOWNLOADED) - startBytes) / seconds / 2 ** 20).toFixed(1);
    bar?.update(have, { peers: st.counter(C_PEERS), rate });
    if (!reported && have === total) {
      reported = true;
      bar?.stop();
      process.stdout.write(`bittorrent: complete (${pc.meta.name}, ${pc.meta.length} bytes in ${seconds.toFixed(2)} s, ${rate} MiB/s, ` +
        `${st.counter(C_HASH_FAILS)} hash failures, ${st.counter(C_BANS)} bans)\n`);
    }
    if (reported && pc.options.exitOnComplete) {
      clearInterval(timer);
      void serving.exit(0);
    }
  };
  const timer = setInterval(check, 100);
  timer.unref();
  // The last piece is noticed at once, not at the next tick: MarkHave (on any thread) notifies the counter.
  const awaitPiece = (): void => {
    if (reported) return;
    const have = st.counter(C_HAVE);
    if (have === total) return check();
    const wait = Atomics.waitAsync(st.counters, C_HAVE, have);
    if (wait.async) void wait.value.then(awaitPiece);
    else awaitPiece();
  };
  awaitPiece();
}

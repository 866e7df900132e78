import cliProgress from 'cli-progress';
import type { ScanProgress } from '../case/index.js';
import { formatBytes, terminalSafe, truncateStart } from '../report/index.js';

/** Something that shows scan progress; `stop()` clears it before the summary is printed. */
export interface ProgressView {
  update(p: ScanProgress): void;
  stop(): void;
}

/** A view that shows nothing (not a TTY, `--quiet`). */
export const silentProgress: ProgressView = { update() {}, stop() {} };

/**
 * A progress bar on a TTY stream: bytes done/total, rate (MB/s over the last seconds), ETA and
 * the current file (made terminal-safe: file names are evidence).
 */
export function barProgress(stream: NodeJS.WriteStream): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {percentage}% | {done} / {all} | {rate} | ETA {eta_formatted} | {file}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      fps: 8,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  // Rate over a sliding window so one slow file (a zip, a huge EVTX) does not freeze the figure.
  const samples: { t: number; b: number }[] = [];
  return {
    update(p) {
      if (p.phase === 'count') return;
      const now = Date.now();
      samples.push({ t: now, b: p.bytesDone });
      while (samples.length > 2 && (samples[0]?.t ?? now) < now - 5000) samples.shift();
      const first = samples[0];
      const dt = first ? (now - first.t) / 1000 : 0;
      const rate = first && dt > 0.2 ? `${((p.bytesDone - first.b) / dt / 1e6).toFixed(1)} MB/s` : '… MB/s';
      const file =
        p.phase === 'scan' && p.path !== null
          ? truncateStart(terminalSafe(p.path), 40)
          : p.phase === 'scan'
            ? ''
            : `${p.phase}…`;
      const payload = {
        done: formatBytes(p.bytesDone),
        all: formatBytes(p.bytesTotal ?? p.bytesDone),
        rate,
        file,
      };
      const total = Math.max(1, p.bytesTotal ?? p.bytesDone);
      if (!started) {
        bar.start(total, Math.min(p.bytesDone, total), payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(Math.min(p.bytesDone, total), payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

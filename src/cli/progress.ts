/**
 * A progress bar on stderr (cli-progress) for long work; silent when stderr is not a terminal or
 * output is `--json`, unless forced with `--progress`.
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

/** A progress display: `update` as work advances, `stop` at the end (also on errors). */
export interface Progress {
  /** Sets the bar's position (and total, when it becomes known) and the text after it. */
  update(value: number, total: number | undefined, detail: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

/** A bar when it should show, otherwise a progress that does nothing. */
export function createProgress(stream: Writable & { isTTY?: boolean }, options: { enabled: boolean; label: string; unit: 'bytes' | 'records' }): Progress {
  if (!options.enabled) return silent;
  const format = options.unit === 'bytes' ? '{label} {bar} {percentage}% | {detail}' : '{label} {bar} {value}/{total} | {detail}';
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format,
      hideCursor: true,
      clearOnComplete: false,
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 1000,
      etaBuffer: 20,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(value, total, detail) {
      if (!started) {
        bar.start(total ?? 0, value, { label: options.label, detail });
        started = true;
        return;
      }
      if (total !== undefined && total !== bar.getTotal()) bar.setTotal(total);
      bar.update(value, { label: options.label, detail });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** Bytes as people read them: `512 B`, `1.4 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

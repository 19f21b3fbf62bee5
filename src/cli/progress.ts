/**
 * A progress bar on stderr (cli-progress) for long work; silent when stderr is not a terminal or
 * output is `--json`, unless forced with `--progress`.
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

/** A progress display: `update` as work advances, `stop` at the end (also on errors). */
export interface Progress {
  /**
   * Sets the position and the text after it. `total`: how much there is, when known (it may
   * become known later); without one, the display is a count rather than a bar.
   */
  update(value: number, total: number | undefined, detail: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

/**
 * A bar when it should show, otherwise a progress that does nothing. `unit` names what is
 * counted: `bytes` shows a percentage; anything else (`records`, `lines`) shows `value/total
 * unit`, or `value unit` while the total is unknown — never a made-up total of 0. Without a total,
 * `bytes` and `''` show only the label and the detail.
 */
export function createProgress(stream: Writable & { isTTY?: boolean }, options: { enabled: boolean; label: string; unit: string }): Progress {
  if (!options.enabled) return silent;
  const withTotal = options.unit === 'bytes' ? '{label} {bar} {percentage}% | {detail}' : `{label} {bar} {value}/{total} ${options.unit} | {detail}`;
  // Without a total, a byte count says nothing the detail does not (imports count records there).
  const counting = options.unit === 'bytes' || options.unit === '' ? '{label} | {detail}' : `{label} {value} ${options.unit} | {detail}`;
  let known = false;
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: (formatOptions, params, payload) => cliProgress.Format.Formatter({ ...formatOptions, format: known ? withTotal : counting }, params, payload),
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
      if (total !== undefined) known = true;
      if (!started) {
        // cli-progress needs a total; while there is none, the counting format does not show it.
        bar.start(total ?? Math.max(value, 1), value, { label: options.label, detail });
        started = true;
        return;
      }
      if (total !== undefined && total !== bar.getTotal()) bar.setTotal(total);
      else if (total === undefined && value > bar.getTotal()) bar.setTotal(value);
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

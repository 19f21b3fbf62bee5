/**
 * Instants in the stored form (`2026-03-01T09:30:00.000Z`), read without a regular expression:
 * the merge reads one per entry, so this sits on the hot path. Internal to the timeline modules.
 */

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch milliseconds of an instant in stored form, or `NaN` when `value` is not one (another
 * format, an offset other than `Z`, a day or hour that does not exist).
 */
export function storedInstantMs(value: unknown): number {
  if (typeof value !== 'string' || value.length !== 24) return Number.NaN;
  const v = value;
  if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || v.charCodeAt(19) !== 46 || v.charCodeAt(23) !== 90) {
    return Number.NaN;
  }
  const y0 = v.charCodeAt(0) - 48, y1 = v.charCodeAt(1) - 48, y2 = v.charCodeAt(2) - 48, y3 = v.charCodeAt(3) - 48;
  const mo0 = v.charCodeAt(5) - 48, mo1 = v.charCodeAt(6) - 48, d0 = v.charCodeAt(8) - 48, d1 = v.charCodeAt(9) - 48;
  const h0 = v.charCodeAt(11) - 48, h1 = v.charCodeAt(12) - 48, mi0 = v.charCodeAt(14) - 48, mi1 = v.charCodeAt(15) - 48;
  const s0 = v.charCodeAt(17) - 48, s1 = v.charCodeAt(18) - 48, ms0 = v.charCodeAt(20) - 48, ms1 = v.charCodeAt(21) - 48, ms2 = v.charCodeAt(22) - 48;
  // Every one of them a digit: (d >>> 0) > 9 catches both below '0' and above '9'.
  if (((y0 >>> 0) > 9) || ((y1 >>> 0) > 9) || ((y2 >>> 0) > 9) || ((y3 >>> 0) > 9) || ((mo0 >>> 0) > 9) || ((mo1 >>> 0) > 9) || ((d0 >>> 0) > 9) || ((d1 >>> 0) > 9) ||
      ((h0 >>> 0) > 9) || ((h1 >>> 0) > 9) || ((mi0 >>> 0) > 9) || ((mi1 >>> 0) > 9) || ((s0 >>> 0) > 9) || ((s1 >>> 0) > 9) || ((ms0 >>> 0) > 9) || ((ms1 >>> 0) > 9) || ((ms2 >>> 0) > 9)) {
    return Number.NaN;
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  if (day > 28) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > (month === 2 && leap ? 29 : daysInMonth[month - 1]!)) return Number.NaN;
  }
  // Days since 1970-01-01 by the civil-from-days inverse (proleptic Gregorian, as Date uses):
  // integer arithmetic, cheaper than a Date.UTC call.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms0 * 100 + ms1 * 10 + ms2;
}

/**
 * Reads the instants of one sorted source: consecutive entries mostly fall on the same UTC day,
 * so the date is parsed once per day and only the time of day per entry.
 */
export class InstantReader {
  private day = '';
  private dayMs = 0;

  /** Epoch milliseconds of a stored instant, or `NaN` (see {@link storedInstantMs}). */
  read(value: unknown): number {
    if (typeof value !== 'string' || value.length !== 24) return Number.NaN;
    if (this.day === '' || !value.startsWith(this.day)) {
      const ms = storedInstantMs(value);
      if (ms === ms) {
        this.day = value.slice(0, 11);
        this.dayMs = ms - (ms % 86_400_000 + 86_400_000) % 86_400_000;
      }
      return ms;
    }
    const v = value;
    if (v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || v.charCodeAt(19) !== 46 || v.charCodeAt(23) !== 90) return Number.NaN;
    const h0 = v.charCodeAt(11) - 48, h1 = v.charCodeAt(12) - 48, mi0 = v.charCodeAt(14) - 48, mi1 = v.charCodeAt(15) - 48;
    const s0 = v.charCodeAt(17) - 48, s1 = v.charCodeAt(18) - 48, ms0 = v.charCodeAt(20) - 48, ms1 = v.charCodeAt(21) - 48, ms2 = v.charCodeAt(22) - 48;
    if (((h0 >>> 0) > 9) || ((h1 >>> 0) > 9) || ((mi0 >>> 0) > 9) || ((mi1 >>> 0) > 9) || ((s0 >>> 0) > 9) || ((s1 >>> 0) > 9) || ((ms0 >>> 0) > 9) || ((ms1 >>> 0) > 9) || ((ms2 >>> 0) > 9)) {
      return Number.NaN;
    }
    const hour = h0 * 10 + h1;
    const minute = mi0 * 10 + mi1;
    const second = s0 * 10 + s1;
    if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
    return this.dayMs + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms0 * 100 + ms1 * 10 + ms2;
  }
}

/** Dates as precise as the source, turned into STIX timestamps with a fidelity. */

export type Fidelity = 'second' | 'minute' | 'hour' | 'day' | 'month' | 'year';

export interface SheetDate {
  /** STIX timestamp, UTC, millisecond precision: `2025-12-11T00:00:00.000Z`. */
  timestamp: string;
  /** How much of `timestamp` the source actually gave. */
  fidelity: Fidelity;
}

const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** Parses a fact-sheet date; `null` when it is malformed or not a real calendar date/time. */
export function parseSheetDate(text: string): SheetDate | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (month < 1 || month > 12) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  if (h === undefined) {
    return {
      timestamp: probe.toISOString(),
      fidelity: d !== undefined ? 'day' : mo !== undefined ? 'month' : 'year',
    };
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return null;
    offsetMinutes = sign * (zh * 60 + zm);
  }
  const millis = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return { timestamp: new Date(utc).toISOString(), fidelity: s === undefined ? 'minute' : 'second' };
}

/** Like `parseSheetDate`, for values already validated (throws on a malformed one). */
export function sheetDate(text: string): SheetDate {
  const parsed = parseSheetDate(text);
  if (!parsed) throw new RangeError(`invalid fact-sheet date: ${text}`);
  return parsed;
}

export function toTimestamp(text: string): string {
  return sheetDate(text).timestamp;
}

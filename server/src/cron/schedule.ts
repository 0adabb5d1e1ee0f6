// Kubernetes CronJob schedules, read the way the CronJob controller reads them (robfig/cron's
// standard parser: five fields, `?` as `*`, JAN-DEC / SUN-SAT names, `N/step`, the `@hourly`-style
// descriptors and `@every <duration>`), and the run times computed with croner.
// Pure functions: no clock is read unless the caller passes none.
import { Cron } from 'croner';

export interface ScheduleProblem {
  message: string;
  /** Offsets inside the schedule string (for a precise squiggle), when known. */
  start?: number;
  end?: number;
}

export interface ParsedSchedule {
  /** The expression handed to croner (descriptors expanded, `CRON_TZ=` prefix removed). */
  cron?: string;
  /** `@every 90m`: a constant delay in seconds instead of a cron expression. */
  everySeconds?: number;
  /** Time zone from a `CRON_TZ=`/`TZ=` prefix in the schedule (Kubernetes rejects those on create). */
  prefixTimeZone?: string;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], base: 1 },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], base: 0 },
] as const;

/** Parses a Go duration (`1h30m`, `90s`, `1.5h`) into seconds; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  if (!text) return undefined;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    at = re.lastIndex;
  }
  return total;
}

function fieldValue(token: string, field: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  if ('names' in field) {
    const index = (field.names as readonly string[]).indexOf(token.toUpperCase());
    if (index >= 0) return index + field.base;
  }
  return undefined;
}

/** Validates one field like robfig/cron's getRange; returns a problem message or undefined. */
function checkField(text: string, field: (typeof FIELDS)[number]): string | undefined {
  for (const part of text.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return `too many slashes in ${field.name} "${part}"`;
    if (step !== undefined && !/^\d+$/.test(step)) return `invalid step "${step}" in ${field.name}`;
    if (step !== undefined && Number(step) === 0) return `step of 0 in ${field.name} "${part}"`;
    if (range === '*' || range === '?') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `too many hyphens in ${field.name} "${range}"`;
    const values = bounds.map((b) => fieldValue(b, field));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) return `"${bounds[i]}" is not a valid ${field.name}`;
      if (v < field.min || v > field.max) return `${field.name} ${v} is outside ${field.min}-${field.max}`;
    }
    if (values.length === 2 && values[0]! > values[1]!) return `${field.name} range "${range}" starts after it ends`;
  }
  return undefined;
}

/** Reads a schedule the way the CronJob controller does; `problem` is set when Kubernetes would reject it. */
export function parseSchedule(schedule: string): { parsed?: ParsedSchedule; problem?: ScheduleProblem } {
  let text = schedule.trim();
  const parsed: ParsedSchedule = {};
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(text);
  if (tz) {
    parsed.prefixTimeZone = tz[1];
    text = text.slice(tz[0].length);
  }
  if (text === '') return { problem: { message: 'the schedule is empty' } };
  if (text.startsWith('@')) {
    const every = /^@every\s+(\S+)$/.exec(text);
    if (every) {
      const seconds = parseGoDuration(every[1]);
      if (seconds === undefined) return { problem: { message: `"${every[1]}" is not a Go duration (e.g. 90m, 1h30m)` } };
      // robfig/cron rounds the delay down to whole seconds and never below one second.
      parsed.everySeconds = Math.max(1, Math.floor(seconds));
      return { parsed };
    }
    const expanded = DESCRIPTORS[text.toLowerCase()];
    if (!expanded) return { problem: { message: `unknown descriptor "${text}" (expected @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>)` } };
    parsed.cron = expanded;
    return { parsed };
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return { problem: { message: `a CronJob schedule has 5 fields (minute hour day-of-month month day-of-week), this one has ${fields.length}` } };
  }
  for (let i = 0; i < 5; i++) {
    const problem = checkField(fields[i], FIELDS[i]);
    if (problem) {
      const start = schedule.indexOf(fields[i], tz ? schedule.indexOf(text) : 0);
      return { problem: { message: problem, start, end: start + fields[i].length } };
    }
  }
  // croner reads `?` as "the current value"; robfig reads it as `*`.
  parsed.cron = fields.map((f) => f.replaceAll('?', '*')).join(' ');
  return { parsed };
}

/** True when the time zone is one Go's time.LoadLocation (and so the CronJob controller) accepts. */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === '' || timeZone === 'Local') return false;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
    // Intl is case-insensitive; the tz database on disk is not ("europe/berlin" fails in Go).
    return !(resolved.toLowerCase() === timeZone.toLowerCase() && resolved !== timeZone && timeZone !== 'UTC');
  } catch {
    return false;
  }
}

export interface ScheduleTimes {
  /** The next run times after `from`. */
  next: Date[];
  /** Shortest time between two consecutive runs, in seconds. */
  shortestIntervalSeconds: number;
  /** Longest time between two consecutive runs, in seconds (weekend gaps of a weekday schedule). */
  longestIntervalSeconds: number;
  /**
   * The shortest interval the schedule is written for, on a clock without daylight-saving changes:
   * 24h for `30 1 * * *` even where a DST change makes one gap 23h (`shortestIntervalSeconds`).
   */
  nominalIntervalSeconds: number;
  /** Every gap is the nominal interval (hourly, daily) rather than varying (weekdays only, 9-17). */
  regular: boolean;
}

/** Anchors interval computations, so that findings do not change with the clock. */
const REFERENCE = new Date(Date.UTC(2025, 0, 1));
const MAX_RUNS = 1500;
const HORIZON_MS = 5 * 366 * 24 * 3600 * 1000;

/**
 * Next runs and the shortest/longest intervals of a valid schedule. Intervals are measured over
 * up to 1,500 runs from a fixed reference date (covering a year of anything hourly or slower, and
 * leap-day schedules), in the schedule's time zone (DST changes the gaps of fixed-time schedules).
 */
export function scheduleTimes(parsed: ParsedSchedule, timeZone: string | undefined, count = 3, from: Date = new Date()): ScheduleTimes | undefined {
  const zone = timeZone ?? parsed.prefixTimeZone;
  if (parsed.everySeconds !== undefined) {
    const next = Array.from({ length: count }, (_, i) => new Date(from.getTime() + (i + 1) * parsed.everySeconds! * 1000));
    return { next, shortestIntervalSeconds: parsed.everySeconds, longestIntervalSeconds: parsed.everySeconds, nominalIntervalSeconds: parsed.everySeconds, regular: true };
  }
  if (!parsed.cron) return undefined;
  // Without a zone the controller's clock is meant, and it is UTC on every managed control plane;
  // the analyzer's own zone must not change the findings.
  const job = new Cron(parsed.cron, { paused: true, timezone: zone ?? 'Etc/UTC', mode: '5-part', sloppyRanges: true, domAndDow: false });
  const next = job.nextRuns(count, from);
  if (!next.length) return undefined;
  const { shortest, longest } = intervalsFor(job, `${parsed.cron}|${zone ?? ''}`);
  if (!Number.isFinite(shortest)) return { next, shortestIntervalSeconds: Infinity, longestIntervalSeconds: Infinity, nominalIntervalSeconds: Infinity, regular: true };
  // UTC has no daylight-saving changes: the same fields read there give the intervals as written.
  const nominal = zone === undefined || zone === 'UTC' || zone === 'Etc/UTC' ? { shortest, longest } : intervalsFor(new Cron(parsed.cron, { paused: true, timezone: 'Etc/UTC', mode: '5-part', sloppyRanges: true, domAndDow: false }), `${parsed.cron}|`);
  return { next, shortestIntervalSeconds: shortest, longestIntervalSeconds: longest, nominalIntervalSeconds: Math.max(shortest, nominal.shortest), regular: nominal.shortest === nominal.longest };
}

// Walking a year of runs costs milliseconds per schedule (time-zone arithmetic per step), and a
// workspace repeats a handful of schedules across hundreds of CronJobs: the result is memoised.
const intervalCache = new Map<string, { shortest: number; longest: number }>();
const INTERVAL_CACHE_LIMIT = 512;

function intervalsFor(job: Cron, key: string): { shortest: number; longest: number } {
  const cached = intervalCache.get(key);
  if (cached) return cached;
  let shortest = Infinity;
  let longest = 0;
  let previous = job.nextRun(REFERENCE);
  const stop = REFERENCE.getTime() + HORIZON_MS;
  for (let i = 0; previous && i < MAX_RUNS; i++) {
    const current = job.nextRun(previous);
    // Past the horizon only when no gap has been seen yet (a leap-day schedule runs every 4 years).
    if (!current || (current.getTime() > stop && i > 0)) break;
    const gap = (current.getTime() - previous.getTime()) / 1000;
    shortest = Math.min(shortest, gap);
    longest = Math.max(longest, gap);
    previous = current;
  }
  if (intervalCache.size >= INTERVAL_CACHE_LIMIT) intervalCache.delete(intervalCache.keys().next().value!);
  const result = { shortest, longest };
  intervalCache.set(key, result);
  return result;
}

const NAMED: Record<number, string> = { 60: 'every minute', 3600: 'hourly', 86400: 'daily', 604800: 'weekly' };

/** An interval as people name it: "daily", "hourly", else "every 15m". */
export function intervalName(seconds: number): string {
  return NAMED[seconds] ?? `every ${formatSeconds(seconds)}`;
}

/** Seconds as a short human duration: 90 -> "1m30s", 86400 -> "24h". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}

// What a CronJob schedule means, for the hover on `schedule:`: words, the next three runs, and the
// interval as written ("daily"), with daylight-saving's shorter gap as a note, not as the interval.
import cronstrue from 'cronstrue';
import { formatSeconds, intervalName, isValidTimeZone, parseSchedule, scheduleTimes } from './schedule.ts';

export type ScheduleDescription =
  | {
      words: string;
      next: Date[];
      /** The shortest interval as written (24h for a daily schedule, whatever DST does). */
      intervalSeconds: number;
      /** "Runs daily.", with a note when daylight-saving changes make a gap shorter. */
      interval: string;
    }
  | { error: string };

export function describeSchedule(schedule: string, timeZone?: string, from: Date = new Date()): ScheduleDescription {
  const { parsed, problem } = parseSchedule(schedule);
  if (!parsed) return { error: `Invalid schedule: ${problem?.message ?? 'unreadable'}.` };
  const zone = timeZone ?? parsed.prefixTimeZone;
  if (zone !== undefined && !isValidTimeZone(zone)) return { error: `Unknown time zone "${zone}" (use an IANA name such as Europe/Berlin).` };
  const times = scheduleTimes(parsed, zone, 3, from);
  if (!times) return { error: 'This schedule never runs.' };
  let words: string;
  if (parsed.everySeconds !== undefined) {
    words = `Every ${formatSeconds(parsed.everySeconds)}, counted from when the controller started`;
  } else {
    try {
      words = cronstrue.toString(parsed.cron!, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
    } catch {
      words = parsed.cron!;
    }
  }
  words += zone ? ` (${zone})` : ' (the controller\'s time zone, usually UTC)';
  const nominal = times.nominalIntervalSeconds;
  let interval = `Runs ${intervalName(nominal)}${times.regular ? '' : ' at the shortest'}.`;
  if (times.shortestIntervalSeconds < nominal) interval += ` Daylight-saving changes in ${zone} shorten a gap to ${formatSeconds(times.shortestIntervalSeconds)} once a year.`;
  return { words, next: times.next, intervalSeconds: nominal, interval };
}

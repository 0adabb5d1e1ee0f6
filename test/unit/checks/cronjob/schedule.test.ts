import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule, scheduleTimes, isValidTimeZone, parseGoDuration } from '../../../../server/src/cron/schedule.ts';
import { describeSchedule } from '../../../../server/src/cron/describe.ts';
import { activeDeadlineFor, startingDeadlineFor } from '../../../../server/src/checks/cronjob/common.ts';

const from = new Date('2025-03-01T00:00:00Z');
const shortest = (s: string, tz?: string) => scheduleTimes(parseSchedule(s).parsed!, tz, 1, from)!.shortestIntervalSeconds;
const longest = (s: string, tz?: string) => scheduleTimes(parseSchedule(s).parsed!, tz, 1, from)!.longestIntervalSeconds;

test('shortest and longest intervals of common schedules', () => {
  assert.equal(shortest('*/5 * * * *'), 300);
  assert.equal(shortest('@hourly'), 3600);
  assert.equal(shortest('0 9 * * 1-5'), 86400);
  assert.equal(longest('0 9 * * 1-5'), 3 * 86400, 'the weekend gap');
  assert.equal(shortest('0 0 1,15 * *'), 14 * 86400);
  assert.equal(shortest('@every 1h30m'), 5400);
  assert.equal(shortest('0 0 29 2 *'), 4 * 365 * 86400 + 86400, 'leap days, four years apart');
});

test('day-of-month and day-of-week are OR-ed when both are restricted, like the CronJob controller', () => {
  assert.equal(shortest('0 0 1 * 1'), 86400, 'the 1st and Mondays: some are consecutive days');
  assert.equal(shortest('0 0 * * 1'), 7 * 86400);
});

test('time zones move runs and DST shortens a fixed-time daily gap', () => {
  assert.equal(shortest('0 3 * * *', 'Europe/Berlin'), 23 * 3600);
  assert.equal(shortest('0 3 * * *'), 24 * 3600);
  assert.equal(shortest('CRON_TZ=Europe/Berlin 0 3 * * *'), 23 * 3600);
  const next = scheduleTimes(parseSchedule('0 3 * * *').parsed!, 'Europe/Berlin', 1, from)!.next[0];
  assert.equal(next.toISOString(), '2025-03-01T02:00:00.000Z');
});

test('what the controller rejects', () => {
  for (const bad of ['61 * * * *', '* * * *', '0 0 3 * * *', '0 0 L * *', '0 0 * * 7', '0 0 * * MON#2', '10-5 * * * *', '*/0 * * * *', '@fortnightly', '@every 5x', '']) {
    assert.ok(parseSchedule(bad).problem, `${bad} should be rejected`);
  }
  for (const good of ['5/15 * * * ?', '0 0 1 jan *', '0 0 * * SUN-SAT', '@midnight', '@every 90s', 'TZ=UTC 0 * * * *']) {
    assert.ok(parseSchedule(good).parsed, `${good} should be accepted`);
  }
});

test('time zones are checked like Go does (exact tz database names)', () => {
  assert.ok(isValidTimeZone('Europe/Berlin'));
  assert.ok(isValidTimeZone('UTC'));
  assert.ok(isValidTimeZone('Etc/GMT+5'));
  assert.ok(!isValidTimeZone('europe/berlin'));
  assert.ok(!isValidTimeZone('Europe/Berlim'));
  assert.ok(!isValidTimeZone('Local'));
});

test('Go durations', () => {
  assert.equal(parseGoDuration('1h30m'), 5400);
  assert.equal(parseGoDuration('1.5h'), 5400);
  assert.equal(parseGoDuration('500ms'), 0.5);
  assert.equal(parseGoDuration('5'), undefined);
});

test('describeSchedule for the hover: words, next three runs, interval', () => {
  const d = describeSchedule('*/15 9-17 * * 1-5', 'Europe/Berlin', from);
  assert.ok(!('error' in d));
  if ('error' in d) return;
  assert.match(d.words, /Every 15 minutes.*Monday through Friday.*Europe\/Berlin/);
  assert.deepEqual(d.next.map((n) => n.toISOString()), ['2025-03-03T08:00:00.000Z', '2025-03-03T08:15:00.000Z', '2025-03-03T08:30:00.000Z']);
  assert.equal(d.intervalSeconds, 900);
  assert.match((describeSchedule('0 0 * * 8') as { error: string }).error, /day of week 8/);
  assert.match((describeSchedule('0 0 * * *', 'Mars/Olympus') as { error: string }).error, /time zone/);
});

test('the hover names the interval as written; a daylight-saving change is a note, not the interval', () => {
  const berlin = describeSchedule('30 1 * * *', 'Europe/Berlin', from);
  assert.ok(!('error' in berlin));
  if ('error' in berlin) return;
  assert.equal(berlin.intervalSeconds, 86400);
  assert.equal(berlin.interval, 'Runs daily. Daylight-saving changes in Europe/Berlin shorten a gap to 23h once a year.');
  const utc = describeSchedule('30 1 * * *', undefined, from) as { interval: string };
  assert.equal(utc.interval, 'Runs daily.');
  assert.equal((describeSchedule('0 * * * *', 'Europe/Berlin', from) as { interval: string }).interval, 'Runs hourly.');
  assert.equal((describeSchedule('*/15 9-17 * * 1-5', 'Europe/Berlin', from) as { interval: string }).interval, 'Runs every 15m at the shortest.');
});

test('derived deadlines', () => {
  assert.equal(activeDeadlineFor(300), 240);
  assert.equal(activeDeadlineFor(3600), 2880);
  assert.equal(activeDeadlineFor(86400), 68400, 'whole hours: 19h below a daily interval (and below its 23h DST day)');
  assert.equal(startingDeadlineFor(60), 120, 'never at or below the controller lag');
  assert.equal(startingDeadlineFor(300), 150);
  assert.equal(startingDeadlineFor(86400), 600);
});

import { formatForRecipient, quietPeriodStart, reminderDueAt } from './reminder-timing';

const at = (iso: string) => new Date(iso);
const QUIET = { start: '21:00', end: '08:00' };

describe('reminderDueAt', () => {
  const booked = at('2026-03-01T00:00:00Z');

  it('is the offset before the session', () => {
    expect(reminderDueAt(at('2026-03-10T15:00:00Z'), 1440, booked, 'UTC', null)).toEqual(at('2026-03-09T15:00:00Z'));
    expect(reminderDueAt(at('2026-03-10T15:00:00Z'), 60, booked, 'UTC', null)).toEqual(at('2026-03-10T14:00:00Z'));
  });

  it('skips an offset whose moment has passed when the session is booked', () => {
    expect(reminderDueAt(at('2026-03-01T10:00:00Z'), 1440, booked, 'UTC', null)).toBeNull();
    expect(reminderDueAt(at('2026-03-01T10:00:00Z'), 60, booked, 'UTC', null)).toEqual(at('2026-03-01T09:00:00Z'));
  });

  it('moves a reminder inside quiet hours to the last minute before they begin', () => {
    // Session 09:00 Berlin (08:00Z) on 10 March; 1 h before = 08:00 local → 07:00 local is quiet (ends 08:00)? 08:00 is not quiet.
    expect(reminderDueAt(at('2026-03-10T08:00:00Z'), 60, booked, 'Europe/Berlin', QUIET)).toEqual(at('2026-03-10T07:00:00Z'));
    // Session 08:30 Berlin: 1 h before is 07:30 local, quiet → 20:59 local the evening before.
    expect(reminderDueAt(at('2026-03-10T07:30:00Z'), 60, booked, 'Europe/Berlin', QUIET)).toEqual(at('2026-03-09T19:59:00Z'));
    // 23:00 local is quiet too, in the same period that began at 21:00.
    expect(reminderDueAt(at('2026-03-11T23:00:00Z'), 60, booked, 'UTC', QUIET)).toEqual(at('2026-03-11T20:59:00Z'));
  });

  it('handles quiet hours that do not wrap midnight', () => {
    const lunch = { start: '12:00', end: '13:00' };
    expect(reminderDueAt(at('2026-03-10T13:30:00Z'), 60, booked, 'UTC', lunch)).toEqual(at('2026-03-10T11:59:00Z'));
    expect(reminderDueAt(at('2026-03-10T15:00:00Z'), 60, booked, 'UTC', lunch)).toEqual(at('2026-03-10T14:00:00Z'));
  });

  it('never moves before the booking', () => {
    // Booked at 21:30, inside the quiet period the reminder falls in: it goes out at once.
    const late = at('2026-03-09T21:30:00Z');
    expect(reminderDueAt(at('2026-03-10T07:30:00Z'), 60, late, 'UTC', QUIET)).toEqual(late);
  });

  it('is right across the spring-forward change in America/New_York', () => {
    // 2026-03-08 02:00 EST → 03:00 EDT (07:00Z). Session Sunday 8 March 08:00 EDT = 12:00Z, just after the change.
    const start = at('2026-03-08T12:00:00Z');
    // 24 h before is Saturday 12:00Z, before the change: 07:00 EST on the wall clock, not 08:00.
    const due = reminderDueAt(start, 1440, booked, 'America/New_York', null)!;
    expect(due).toEqual(at('2026-03-07T12:00:00Z'));
    expect(formatForRecipient(due, 'America/New_York')).toBe('Saturday 7 March 2026, 07:00 EST');
    // The message the reminder carries names the session's own local time, in daylight time.
    expect(formatForRecipient(start, 'America/New_York')).toBe('Sunday 8 March 2026, 08:00 EDT');
    // Session 07:30 EDT Monday; 1 h before is 06:30 EDT, quiet → 20:59 EDT Sunday (the zone is already EDT).
    expect(reminderDueAt(at('2026-03-09T11:30:00Z'), 60, booked, 'America/New_York', QUIET)).toEqual(at('2026-03-09T00:59:00Z'));
    // Session 07:30 EDT Sunday 8 March (the change night): quiet began 21:00 EST Saturday = 02:00Z.
    expect(reminderDueAt(at('2026-03-08T11:30:00Z'), 60, booked, 'America/New_York', QUIET)).toEqual(at('2026-03-08T01:59:00Z'));
  });

  it('is right across the autumn change in Europe/Berlin', () => {
    // 2026-10-25 03:00 CEST → 02:00 CET. Session Sunday 25 Oct 07:30 CET = 06:30Z; 1 h before = 06:30 CET, quiet.
    // Quiet began Saturday 21:00 CEST = 19:00Z; a minute before is 18:59Z.
    expect(reminderDueAt(at('2026-10-25T06:30:00Z'), 60, booked, 'Europe/Berlin', QUIET)).toEqual(at('2026-10-24T18:59:00Z'));
  });
});

describe('quietPeriodStart', () => {
  it('is null outside quiet hours and when start equals end', () => {
    expect(quietPeriodStart(at('2026-03-10T12:00:00Z'), 'UTC', QUIET)).toBeNull();
    expect(quietPeriodStart(at('2026-03-10T23:00:00Z'), 'UTC', { start: '10:00', end: '10:00' })).toBeNull();
  });
});

describe('formatForRecipient', () => {
  it('writes the time in the recipient’s zone, daylight saving included', () => {
    expect(formatForRecipient(at('2026-07-01T07:30:00Z'), 'Europe/Berlin')).toBe('Wednesday 1 July 2026, 09:30 CEST');
    expect(formatForRecipient(at('2026-01-15T14:00:00Z'), 'America/New_York')).toBe('Thursday 15 January 2026, 09:00 EST');
    expect(formatForRecipient(at('2026-07-01T14:00:00Z'), 'America/New_York')).toBe('Wednesday 1 July 2026, 10:00 EDT');
    expect(formatForRecipient(at('2026-01-15T14:00:00Z'), 'Europe/Berlin')).toBe('Thursday 15 January 2026, 15:00 CET');
  });

  it('writes the offset where no locale has an abbreviation for the zone', () => {
    expect(formatForRecipient(at('2026-01-15T14:00:00Z'), 'Asia/Kolkata')).toBe('Thursday 15 January 2026, 19:30 GMT+5:30');
    expect(formatForRecipient(at('2026-01-15T14:00:00Z'), 'UTC')).toBe('Thursday 15 January 2026, 14:00 UTC');
  });
});

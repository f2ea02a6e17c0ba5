import { availabilityErrors, AvailabilityRules, freeSlots, Interval, WEEKDAYS, WeeklyRange } from './slots';

// Expectations are worked out by hand from the zones' rules: Berlin moves 02:00 CET → 03:00 CEST on
// 30 March 2031 and 03:00 CEST → 02:00 CET on 26 October 2031; New York 02:00 EST → 03:00 EDT on
// 9 March 2031 and 02:00 EDT → 01:00 EST on 2 November 2031.

const everyDay = (start: string, end: string): WeeklyRange[] => WEEKDAYS.map((day) => ({ day, start, end }));
const rules = (over: Partial<AvailabilityRules>): AvailabilityRules => ({
  timezone: 'UTC', weekly: [], overrides: [], bufferMinutes: 0, minNoticeMinutes: 0, horizonDays: 365, ...over,
});
// "now" far before the windows, so notice and horizon do not cut unless a test says so.
const LONG_AGO = new Date('2031-01-01T00:00:00Z');
const starts = (slots: Interval[]) => slots.map((s) => s.startsAt.toISOString().slice(0, 16) + 'Z');
const slots = (r: AvailabilityRules, from: string, to: string, durationMinutes = 60, busy: Interval[] = [], now = LONG_AGO) =>
  starts(freeSlots(r, { from: new Date(from), to: new Date(to), now, durationMinutes, busy }));
const session = (from: string, to: string): Interval => ({ startsAt: new Date(from), endsAt: new Date(to) });

describe('slots in Europe/Berlin', () => {
  const berlin = (weekly: WeeklyRange[]) => rules({ timezone: 'Europe/Berlin', weekly });

  it('keeps a 09:00 start at 09:00 local on both sides of the spring change', () => {
    expect(slots(berlin(everyDay('09:00', '10:00')), '2031-03-29T00:00:00Z', '2031-04-01T00:00:00Z')).toEqual([
      '2031-03-29T08:00Z', // 09:00 CET
      '2031-03-30T07:00Z', // 09:00 CEST
      '2031-03-31T07:00Z',
    ]);
  });

  it('never offers the skipped hour of the spring change', () => {
    const r = berlin([{ day: 'sun', start: '01:00', end: '04:00' }]);
    // 01:00–01:45 CET, then 03:00–03:30 CEST; 02:00–02:45 do not exist. A 30-minute session ends by 04:00 CEST.
    expect(slots(r, '2031-03-30T00:00:00Z', '2031-03-31T00:00:00Z', 30)).toEqual([
      '2031-03-30T00:00Z', '2031-03-30T00:15Z', '2031-03-30T00:30Z', '2031-03-30T00:45Z',
      '2031-03-30T01:00Z', '2031-03-30T01:15Z', '2031-03-30T01:30Z',
    ]);
  });

  it('offers the repeated hour of the autumn change once, at its first occurrence', () => {
    const r = berlin([{ day: 'sun', start: '02:00', end: '03:30' }]);
    // 02:00–02:45 CEST (00:00–00:45Z) once, then 03:00 CET (02:00Z), which ends at 03:30 CET.
    expect(slots(r, '2031-10-25T00:00:00Z', '2031-10-27T00:00:00Z', 30)).toEqual([
      '2031-10-26T00:00Z', '2031-10-26T00:15Z', '2031-10-26T00:30Z', '2031-10-26T00:45Z', '2031-10-26T02:00Z',
    ]);
  });

  it('keeps 09:00 local across the autumn change', () => {
    expect(slots(berlin(everyDay('09:00', '10:00')), '2031-10-25T00:00:00Z', '2031-10-28T00:00:00Z')).toEqual([
      '2031-10-25T07:00Z', // 09:00 CEST
      '2031-10-26T08:00Z', // 09:00 CET
      '2031-10-27T08:00Z',
    ]);
  });
});

describe('slots in America/New_York', () => {
  const ny = (weekly: WeeklyRange[]) => rules({ timezone: 'America/New_York', weekly });

  it('skips 02:00–02:59 on the spring change and keeps 09:00 local either side', () => {
    expect(slots(ny([{ day: 'sun', start: '01:00', end: '04:00' }]), '2031-03-09T00:00:00Z', '2031-03-10T00:00:00Z')).toEqual([
      // 01:00–01:45 EST; 03:00 EDT is the last 60-minute start ending by 04:00 EDT.
      '2031-03-09T06:00Z', '2031-03-09T06:15Z', '2031-03-09T06:30Z', '2031-03-09T06:45Z', '2031-03-09T07:00Z',
    ]);
    expect(slots(ny(everyDay('09:00', '10:00')), '2031-03-08T00:00:00Z', '2031-03-11T00:00:00Z')).toEqual([
      '2031-03-08T14:00Z', // 09:00 EST
      '2031-03-09T13:00Z', // 09:00 EDT
      '2031-03-10T13:00Z',
    ]);
  });

  it('offers the repeated 01:00–01:59 of the autumn change once', () => {
    expect(slots(ny([{ day: 'sun', start: '01:00', end: '02:00' }]), '2031-11-02T00:00:00Z', '2031-11-03T00:00:00Z', 15)).toEqual([
      '2031-11-02T05:00Z', '2031-11-02T05:15Z', '2031-11-02T05:30Z', '2031-11-02T05:45Z',
    ]);
    expect(slots(ny(everyDay('09:00', '10:00')), '2031-11-01T00:00:00Z', '2031-11-04T00:00:00Z')).toEqual([
      '2031-11-01T13:00Z', // 09:00 EDT
      '2031-11-02T14:00Z', // 09:00 EST
      '2031-11-03T14:00Z',
    ]);
  });
});

describe('slots around sessions, overrides, notice and horizon', () => {
  // 2031-01-06 is a Monday.
  const monday = (start: string, end: string): WeeklyRange[] => [{ day: 'mon', start, end }];

  it('cuts out a scheduled session widened by the buffer on each side; touching is free', () => {
    const busy = [session('2031-01-06T10:00:00Z', '2031-01-06T11:00:00Z')];
    const win = ['2031-01-06T00:00:00Z', '2031-01-07T00:00:00Z'] as const;
    expect(slots(rules({ weekly: monday('08:00', '13:00') }), ...win, 60, busy)).toEqual([
      '2031-01-06T08:00Z', '2031-01-06T08:15Z', '2031-01-06T08:30Z', '2031-01-06T08:45Z', '2031-01-06T09:00Z',
      '2031-01-06T11:00Z', '2031-01-06T11:15Z', '2031-01-06T11:30Z', '2031-01-06T11:45Z', '2031-01-06T12:00Z',
    ]);
    // Buffer 15: busy 09:45–11:15.
    expect(slots(rules({ weekly: monday('08:00', '13:00'), bufferMinutes: 15 }), ...win, 60, busy)).toEqual([
      '2031-01-06T08:00Z', '2031-01-06T08:15Z', '2031-01-06T08:30Z', '2031-01-06T08:45Z',
      '2031-01-06T11:15Z', '2031-01-06T11:30Z', '2031-01-06T11:45Z', '2031-01-06T12:00Z',
    ]);
  });

  it('merges overlapping busy intervals given in any order', () => {
    const busy = [session('2031-01-06T11:00:00Z', '2031-01-06T12:00:00Z'), session('2031-01-06T08:30:00Z', '2031-01-06T09:00:00Z'), session('2031-01-06T10:30:00Z', '2031-01-06T11:30:00Z')];
    expect(slots(rules({ weekly: monday('08:00', '13:00') }), '2031-01-06T00:00:00Z', '2031-01-07T00:00:00Z', 30, busy)).toEqual([
      '2031-01-06T08:00Z', '2031-01-06T09:00Z', '2031-01-06T09:15Z', '2031-01-06T09:30Z', '2031-01-06T09:45Z', '2031-01-06T10:00Z', '2031-01-06T12:00Z', '2031-01-06T12:15Z', '2031-01-06T12:30Z',
    ]);
  });

  it('lets an override replace a day, and an empty one take it off', () => {
    const r = rules({
      weekly: [...monday('09:00', '10:00'), { day: 'tue', start: '09:00', end: '10:00' }],
      overrides: [{ date: '2031-01-06', slots: [{ start: '14:00', end: '15:00' }] }, { date: '2031-01-07', slots: [] }, { date: '2031-01-08', slots: [{ start: '07:00', end: '08:00' }] }],
    });
    expect(slots(r, '2031-01-06T00:00:00Z', '2031-01-09T00:00:00Z')).toEqual(['2031-01-06T14:00Z', '2031-01-08T07:00Z']);
  });

  it('offers nothing before now + minNoticeMinutes', () => {
    const now = new Date('2031-01-06T08:00:00Z');
    expect(slots(rules({ weekly: monday('09:00', '12:00'), minNoticeMinutes: 120 }), '2031-01-06T00:00:00Z', '2031-01-07T00:00:00Z', 60, [], now)).toEqual([
      '2031-01-06T10:00Z', '2031-01-06T10:15Z', '2031-01-06T10:30Z', '2031-01-06T10:45Z', '2031-01-06T11:00Z',
    ]);
  });

  it('offers nothing after now + horizonDays (a start exactly at the horizon is offered)', () => {
    const now = new Date('2031-01-06T08:00:00Z');
    const r = rules({ weekly: everyDay('07:00', '09:00'), horizonDays: 2 });
    expect(slots(r, '2031-01-06T00:00:00Z', '2031-01-10T00:00:00Z', 60, [], now)).toEqual([
      '2031-01-06T08:00Z',
      '2031-01-07T07:00Z', '2031-01-07T07:15Z', '2031-01-07T07:30Z', '2031-01-07T07:45Z', '2031-01-07T08:00Z',
      '2031-01-08T07:00Z', '2031-01-08T07:15Z', '2031-01-08T07:30Z', '2031-01-08T07:45Z', '2031-01-08T08:00Z',
    ]);
  });

  it('puts starts on the quarter-hour grid and lets a day run to 24:00', () => {
    expect(slots(rules({ weekly: monday('22:50', '24:00') }), '2031-01-06T00:00:00Z', '2031-01-07T00:00:00Z', 30)).toEqual([
      '2031-01-06T23:00Z', '2031-01-06T23:15Z', '2031-01-06T23:30Z',
    ]);
  });

  it('keeps start times inside [from, to)', () => {
    expect(slots(rules({ weekly: monday('09:00', '12:00') }), '2031-01-06T09:30:00Z', '2031-01-06T10:15:00Z')).toEqual([
      '2031-01-06T09:30Z', '2031-01-06T09:45Z', '2031-01-06T10:00Z',
    ]);
  });
});

describe('availability rules', () => {
  it('names overlapping ranges of one day, an end before its start and a date overridden twice', () => {
    expect(availabilityErrors({
      weekly: [{ day: 'mon', start: '09:00', end: '12:00' }, { day: 'tue', start: '11:00', end: '13:00' }, { day: 'mon', start: '11:30', end: '14:00' }, { day: 'wed', start: '10:00', end: '09:00' }],
      overrides: [{ date: '2031-01-06', slots: [{ start: '09:00', end: '10:00' }, { start: '09:45', end: '11:00' }] }, { date: '2031-01-06', slots: [] }],
    })).toEqual([
      { path: 'weekly.2.start', message: 'overlaps 09:00–12:00 on the same day' },
      { path: 'weekly.3.end', message: 'end must be after start' },
      { path: 'overrides.0.slots.1.start', message: 'overlaps 09:00–10:00 on the same day' },
      { path: 'overrides.1.date', message: 'the date is overridden twice' },
    ]);
  });

  it('accepts back-to-back ranges', () => {
    expect(availabilityErrors({ weekly: [{ day: 'mon', start: '09:00', end: '12:00' }, { day: 'mon', start: '12:00', end: '17:00' }], overrides: [] })).toEqual([]);
  });
});

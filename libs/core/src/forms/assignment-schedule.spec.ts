import { afterQuietHours } from '../notifications/reminder-timing';
import { dueOccurrences, occurrenceAt } from './assignment-schedule';

const at = (iso: string) => new Date(iso);

describe('occurrences in the client zone', () => {
  it('a daily 09:00 in New York stays 09:00 across the March daylight-saving change (one day is 23 hours)', () => {
    const first = at('2099-03-06T14:00:00Z'); // Friday 09:00 EST
    expect(occurrenceAt(first, 1, 'daily', 'America/New_York').toISOString()).toBe('2099-03-07T14:00:00.000Z');
    expect(occurrenceAt(first, 2, 'daily', 'America/New_York').toISOString()).toBe('2099-03-08T13:00:00.000Z'); // 09:00 EDT
    expect(occurrenceAt(first, 3, 'daily', 'America/New_York').toISOString()).toBe('2099-03-09T13:00:00.000Z');
  });

  it('weekly, biweekly and monthly steps count from the first occurrence', () => {
    const first = at('2099-01-31T08:00:00Z');
    expect(occurrenceAt(first, 1, 'weekly', 'UTC').toISOString()).toBe('2099-02-07T08:00:00.000Z');
    expect(occurrenceAt(first, 1, 'biweekly', 'UTC').toISOString()).toBe('2099-02-14T08:00:00.000Z');
    expect(occurrenceAt(first, 1, 'monthly', 'UTC').toISOString()).toBe('2099-02-28T08:00:00.000Z');
    expect(occurrenceAt(first, 2, 'monthly', 'UTC').toISOString()).toBe('2099-03-31T08:00:00.000Z');
    expect(occurrenceAt(first, 5, 'none', 'UTC')).toBe(first);
  });

  it('after an outage only the latest occurrence is due, and the next one is the first still to come', () => {
    const first = at('2099-03-01T14:00:00Z');
    expect(dueOccurrences(first, 0, 'daily', 'UTC', null, at('2099-03-04T15:00:00Z'))).toEqual({ latest: 3, next: { n: 4, at: at('2099-03-05T14:00:00Z') } });
    expect(dueOccurrences(first, 4, 'daily', 'UTC', null, at('2099-03-04T15:00:00Z'))).toEqual({ latest: null, next: { n: 4, at: at('2099-03-05T14:00:00Z') } });
  });

  it('ends at until (inclusive), and a one-off has no next', () => {
    const first = at('2099-03-01T14:00:00Z');
    expect(dueOccurrences(first, 0, 'daily', 'UTC', at('2099-03-02T14:00:00Z'), at('2099-03-02T15:00:00Z'))).toEqual({ latest: 1, next: null });
    expect(dueOccurrences(first, 0, 'daily', 'UTC', at('2099-03-03T14:00:00Z'), at('2099-03-02T15:00:00Z'))).toEqual({ latest: 1, next: { n: 2, at: at('2099-03-03T14:00:00Z') } });
    expect(dueOccurrences(first, 0, 'none', 'UTC', null, at('2099-03-02T15:00:00Z'))).toEqual({ latest: 0, next: null });
    expect(dueOccurrences(first, 0, 'none', 'UTC', null, at('2099-02-02T15:00:00Z'))).toEqual({ latest: null, next: { n: 0, at: first } });
  });
});

describe('prompt time and quiet hours', () => {
  const quiet = { start: '21:00', end: '08:00' };
  it('outside quiet hours: at once', () => {
    expect(afterQuietHours(at('2099-06-01T14:00:00Z'), 'Europe/Berlin', quiet).toISOString()).toBe('2099-06-01T14:00:00.000Z');
    expect(afterQuietHours(at('2099-06-01T22:00:00Z'), 'Europe/Berlin', null).toISOString()).toBe('2099-06-01T22:00:00.000Z');
  });
  it('inside quiet hours that wrap midnight: when they end, in the zone', () => {
    // 23:30 Berlin (CEST) → 08:00 the next morning.
    expect(afterQuietHours(at('2099-06-01T21:30:00Z'), 'Europe/Berlin', quiet).toISOString()).toBe('2099-06-02T06:00:00.000Z');
    // 03:00 Berlin → 08:00 the same morning.
    expect(afterQuietHours(at('2099-06-02T01:00:00Z'), 'Europe/Berlin', quiet).toISOString()).toBe('2099-06-02T06:00:00.000Z');
  });
  it('inside same-day quiet hours: when they end that day', () => {
    expect(afterQuietHours(at('2099-06-01T12:30:00Z'), 'UTC', { start: '12:00', end: '13:00' }).toISOString()).toBe('2099-06-01T13:00:00.000Z');
  });
});

import { afterQuietHours } from './reminder-timing';

describe('the booking nudge in quiet hours', () => {
  const quiet = { start: '21:00', end: '08:00' };

  it('goes out at once outside quiet hours, or without any', () => {
    const noon = new Date('2031-01-06T11:00:00Z'); // 12:00 in Berlin
    expect(afterQuietHours(noon, 'Europe/Berlin', quiet)).toEqual(noon);
    expect(afterQuietHours(new Date('2031-01-06T22:00:00Z'), 'Europe/Berlin', null)).toEqual(new Date('2031-01-06T22:00:00Z'));
  });

  it('waits for the end of quiet hours in the recipient\'s zone, before and after midnight', () => {
    // 23:00 Berlin → 08:00 Berlin the next day (07:00Z in winter).
    expect(afterQuietHours(new Date('2031-01-06T22:00:00Z'), 'Europe/Berlin', quiet)).toEqual(new Date('2031-01-07T07:00:00Z'));
    // 02:00 New York (EST) → 08:00 EST the same day.
    expect(afterQuietHours(new Date('2031-01-07T07:00:00Z'), 'America/New_York', quiet)).toEqual(new Date('2031-01-07T13:00:00Z'));
    // Quiet hours within one day: 13:00–14:00 Berlin, asked at 13:30 → 14:00.
    expect(afterQuietHours(new Date('2031-01-06T12:30:00Z'), 'Europe/Berlin', { start: '13:00', end: '14:00' })).toEqual(new Date('2031-01-06T13:00:00Z'));
  });

  it('keeps the wall-clock end across a daylight-saving change', () => {
    // 23:00 CET on 29 March 2031 → 08:00 CEST on the 30th (06:00Z).
    expect(afterQuietHours(new Date('2031-03-29T22:00:00Z'), 'Europe/Berlin', quiet)).toEqual(new Date('2031-03-30T06:00:00Z'));
  });
});

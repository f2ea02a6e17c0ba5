import { nextDigestAt } from './digest-time';

describe('nextDigestAt', () => {
  it('is later the same local day when the time is still ahead, else the next day', () => {
    expect(nextDigestAt(new Date('2027-01-12T06:00:00Z'), 'Europe/Berlin', '08:00')).toEqual({ at: new Date('2027-01-12T07:00:00Z'), localDate: '2027-01-12' });
    expect(nextDigestAt(new Date('2027-01-12T07:00:00Z'), 'Europe/Berlin', '08:00')).toEqual({ at: new Date('2027-01-13T07:00:00Z'), localDate: '2027-01-13' });
  });

  it('keeps the local time across the spring-forward change (a 23-hour day)', () => {
    // America/New_York: clocks go from 02:00 to 03:00 on 2027-03-14.
    expect(nextDigestAt(new Date('2027-03-13T14:00:00Z'), 'America/New_York', '08:00')).toEqual({ at: new Date('2027-03-14T12:00:00Z'), localDate: '2027-03-14' });
    expect(nextDigestAt(new Date('2027-03-12T14:00:00Z'), 'America/New_York', '08:00')).toEqual({ at: new Date('2027-03-13T13:00:00Z'), localDate: '2027-03-13' });
  });

  it('keeps the local time across the fall-back change (a 25-hour day)', () => {
    // Europe/Berlin: clocks go from 03:00 back to 02:00 on 2027-10-31.
    expect(nextDigestAt(new Date('2027-10-30T12:00:00Z'), 'Europe/Berlin', '18:30')).toEqual({ at: new Date('2027-10-30T16:30:00Z'), localDate: '2027-10-30' });
    expect(nextDigestAt(new Date('2027-10-30T17:00:00Z'), 'Europe/Berlin', '18:30')).toEqual({ at: new Date('2027-10-31T17:30:00Z'), localDate: '2027-10-31' });
  });

  it('a time the clocks skip that day goes out at the first minute after the gap, once that day', () => {
    const r = nextDigestAt(new Date('2027-03-14T05:00:00Z'), 'America/New_York', '02:30');
    expect(r.localDate).toBe('2027-03-14');
    expect(r.at).toEqual(new Date('2027-03-14T07:30:00Z')); // 03:30 EDT
  });

  it('west of UTC late in the evening: the local date, not the UTC one, names the digest', () => {
    expect(nextDigestAt(new Date('2027-01-12T03:00:00Z'), 'America/Los_Angeles', '21:00')).toEqual({ at: new Date('2027-01-12T05:00:00Z'), localDate: '2027-01-11' });
  });
});

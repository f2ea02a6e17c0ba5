import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { InviteEvent, writeInvite } from './invite';

/** The same calendar through ical-generator, as reminders were written before. */
function generated(e: InviteEvent): string {
  const cal = ical({ name: 'Coaching', method: ICalCalendarMethod.REQUEST, prodId: { company: 'coaching-platform', product: 'reminders', language: 'EN' } });
  cal.x([{ key: 'X-WR-TIMEZONE', value: e.timezone }]);
  cal.createEvent({
    id: e.uid,
    sequence: e.sequence,
    start: e.start,
    end: e.end,
    stamp: e.stamp,
    summary: e.summary,
    location: e.location ?? undefined,
    url: e.url ?? undefined,
    status: ICalEventStatus.CONFIRMED,
    organizer: { name: e.organizer.name, email: e.organizer.email },
    attendees: [{ name: e.attendee.name, email: e.attendee.email, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.ACCEPTED, rsvp: false }],
  });
  return cal.toString();
}

const base: InviteEvent = {
  uid: '0193a3c4-1111-7000-8000-000000000001@coaching-platform',
  sequence: 0,
  start: new Date('2026-12-06T14:00:00.000Z'),
  end: new Date('2026-12-06T15:00:00.000Z'),
  stamp: new Date('2026-11-01T10:11:12.345Z'),
  summary: 'Coaching session with A Client',
  organizer: { name: 'A Coach', email: 'no-reply@localhost' },
  attendee: { name: 'A Client', email: 'client@example.test' },
  timezone: 'America/New_York',
};

describe('writeInvite', () => {
  it.each<[string, Partial<InviteEvent>]>([
    ['a plain session', {}],
    ['a room and a video link', { location: 'Room 4', url: 'https://video.example/room?a=1;b=2,c' }],
    ['no location, a video link only', { url: 'https://video.example/x' }],
    ['empty location and link', { location: '', url: '' }],
    ['a later sequence and odd instants', { sequence: 7, start: new Date('0999-01-02T03:04:05.999Z'), end: new Date('0999-01-02T04:04:05Z'), stamp: new Date('2030-12-31T23:59:59.999Z') }],
    ['an end before the start', { start: new Date('2026-12-06T15:00:00Z'), end: new Date('2026-12-06T14:00:00Z') }],
    ['characters that need escaping', { summary: 'With Zoë "Q"; a\\b, c\nd\r\ne', location: 'Room; 4, up\\stairs\nleft', organizer: { name: 'A "Coach"; \\ Co, Ltd', email: 'no-reply@localhost' }, attendee: { name: 'Zoë; "Client", \\', email: 'z;o,e@example.test' }, timezone: 'Etc/GMT+5' }],
    ['an attendee without a name', { attendee: { name: '', email: 'client@example.test' } }],
    ['long lines, folded after 74 octets', { summary: `Coaching session with ${'a very long name '.repeat(12)}`, location: 'x'.repeat(74), url: `https://video.example/${'y'.repeat(200)}` }],
    ['multi-byte characters at the fold', { summary: `Session with ${'Zoë Ünal 日本語 '.repeat(8)}`, attendee: { name: `${'é'.repeat(40)}${'😀'.repeat(30)}`, email: 'client@example.test' }, location: `${'a'.repeat(73)}😀😀${'ß'.repeat(50)}` }],
    ['lone surrogates', { summary: `Session ${'x'.repeat(60)}\ud83d and \ude00 then \ud83dz${'w'.repeat(20)}\ud83d` }],
  ])('writes what ical-generator writes: %s', (_name, change) => {
    const e = { ...base, ...change };
    expect(writeInvite(e)).toBe(generated(e));
  });

  it('writes what ical-generator writes for random names and places', () => {
    const alphabet = ['a', 'Z', ' ', ';', ',', '\\', '"', '\n', 'é', 'ß', '日', '😀', ':', '='];
    let seed = 42;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const str = (max: number) => Array.from({ length: rand(max) }, () => alphabet[rand(alphabet.length)]).join('');
    for (let i = 0; i < 200; i++) {
      const e = { ...base, summary: `Coaching session with ${str(120)}`, location: rand(2) ? str(100) : null, url: rand(2) ? `https://v.example/${str(90)}` : null, organizer: { name: `C${str(60)}`, email: 'no-reply@localhost' }, attendee: { name: str(80), email: 'client@example.test' } };
      expect(writeInvite(e)).toBe(generated(e));
    }
  });
});

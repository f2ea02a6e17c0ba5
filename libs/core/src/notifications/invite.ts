// A reminder's calendar invitation, written directly: the same bytes ical-generator writes for this one
// shape of calendar (invite.spec.ts compares the two), at a fraction of the cost, since ical-generator
// measures every character of its output with a new TextEncoder to fold lines.

export interface InviteEvent {
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  stamp: Date;
  summary: string;
  location?: string | null;
  url?: string | null;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  /** The recipient's zone, for display (X-WR-TIMEZONE); every time is written in UTC. */
  timezone: string;
}

/** TEXT value escaping (RFC 5545 3.3.11); in a quoted parameter, backslash and double quote, as ical-generator does. */
const text = (v: string) => v.replace(/[\\;,]/g, (m) => `\\${m}`).replace(/\r\n|\r|\n/g, '\\n');
const quoted = (v: string) => v.replace(/[\\"]/g, (m) => `\\${m}`).replace(/\r\n|\r|\n/g, '\\n');

const two = (n: number) => (n < 10 ? `0${n}` : String(n));
/** A UTC DATE-TIME, to the second: 20261206T140000Z. */
const utc = (d: Date) =>
  `${String(d.getUTCFullYear()).padStart(4, '0')}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;

/** Folds a content line after 74 octets of UTF-8 (continuations begin with a space), never inside a character. */
function fold(line: string): string {
  // eslint-disable-next-line no-control-regex
  if (line.length <= 74 && /^[\x00-\x7f]*$/.test(line)) return line;
  let out = '';
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    let ch = line[i];
    let octets: number;
    if (code < 0x80) octets = 1;
    else if (code < 0x800) octets = 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      ch += line.charAt(++i);
      octets = Buffer.byteLength(ch);
    } else octets = 3;
    n += octets;
    if (n > 74) {
      out += '\r\n ';
      n = octets;
    }
    out += ch;
  }
  return out;
}

/** The event as an iTIP REQUEST calendar (see SendNotificationJob for what each part is for). */
export function writeInvite(e: InviteEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//coaching-platform//reminders//EN',
    'METHOD:REQUEST',
    'NAME:Coaching',
    'X-WR-CALNAME:Coaching',
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utc(e.stamp)}`,
    // An end before the start is written swapped, as ical-generator does.
    `DTSTART:${utc(e.end < e.start ? e.end : e.start)}`,
    `DTEND:${utc(e.end < e.start ? e.start : e.end)}`,
    `SUMMARY:${text(e.summary)}`,
  ];
  if (e.location) lines.push(`LOCATION:${text(e.location)}`);
  lines.push(`ORGANIZER;CN="${quoted(e.organizer.name)}":mailto:${text(e.organizer.email)}`);
  lines.push(`ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE${e.attendee.name ? `;CN="${quoted(e.attendee.name)}"` : ''}:MAILTO:${text(e.attendee.email)}`);
  if (e.url) lines.push(`URL;VALUE=URI:${text(e.url)}`);
  lines.push('STATUS:CONFIRMED', 'END:VEVENT', `X-WR-TIMEZONE:${text(e.timezone)}`, 'END:VCALENDAR');
  return lines.map(fold).join('\r\n');
}

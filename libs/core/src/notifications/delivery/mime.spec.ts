import MailComposer from 'nodemailer/lib/mail-composer';
import { MimeMail, writeMime } from './mime';

/** A MIME entity's parts, depth first: content type (without boundary) and the decoded body. */
function parts(raw: string): { type: string; body: string }[] {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const type = /^Content-Type:\s*([^\r\n]*)/im.exec(head)?.[1] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  const bare = type.replace(/;\s*boundary=.*$/i, '').replace(/;\s*name=.*$/i, '');
  if (boundary) {
    const inner = body.split(`--${boundary}`).slice(1, -1).map((p) => p.replace(/^\r\n/, '').replace(/\r\n$/, ''));
    return [{ type: bare, body: '' }, ...inner.flatMap(parts)];
  }
  const encoding = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase();
  const decoded =
    encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8')
    : encoding === 'quoted-printable' ? Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
    : body;
  // Line ends as LF: MailComposer leaves the LFs of a quoted-printable body bare (its SMTP stream mends them).
  return [{ type: bare, body: decoded.replace(/\r\n$/, '').replace(/\r\n/g, '\n') }];
}

const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(raw)?.[1]?.replace(/\r\n[ \t]+/g, ' ');

/** RFC 2047 Q encoded words back to text. */
const unwords = (v: string) =>
  v.replace(/=\?UTF-8\?Q\?([^?]*)\?=(?:\s+(?==\?UTF-8\?Q\?))?/gi, (_, q: string) => Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));

const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x@coaching\r\nSUMMARY:Coaching session with Zoë Ö\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
const mail: MimeMail = {
  from: 'Praxis Müller <no-reply@coaching.example>',
  to: 'zoë@example.test',
  subject: 'Reminder: your session with Zoë Ö on Wednesday, 1 January 2031 at 04:00 — see you there',
  text: `Hello Zoë,\n\n.A line starting with a dot, and a long one: ${'word '.repeat(40)}\nUnsubscribe: https://coaching.example/v1/unsubscribe/abc`,
  html: `<p>Hello Zoë,</p>\n<p>${'long html '.repeat(60)}</p>`,
  messageId: '<0193-abc@coaching-platform>',
  headers: { 'List-Unsubscribe': `<https://coaching.example/v1/unsubscribe/${'t'.repeat(180)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  ics: { content: ics, filename: 'session.ics' },
  date: new Date('2031-01-01T08:00:00Z'),
};

async function composed(m: MimeMail): Promise<string> {
  const node = new MailComposer({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, headers: m.headers, date: m.date,
    icalEvent: m.ics ? { method: 'REQUEST', content: m.ics.content, filename: m.ics.filename } : undefined }).compile();
  return (await node.build()).toString('utf8');
}

describe('writeMime', () => {
  it.each([
    ['with an invitation', mail],
    ['without one', { ...mail, ics: undefined }],
  ])('writes the parts MailComposer writes, %s', async (_, m) => {
    const ours = writeMime(m).raw.toString('utf8');
    expect(parts(ours)).toEqual(parts(await composed(m)));
    expect(parts(ours).find((p) => p.type.startsWith('text/plain'))?.body).toBe(m.text);
    expect(ours).not.toMatch(/[^\r]\n/);
  });

  it('writes the headers a mail client reads, encoded where they are not ASCII', () => {
    const raw = writeMime(mail).raw.toString('utf8');
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(unwords(header(head, 'Subject')!)).toBe(mail.subject);
    expect(unwords(header(head, 'From')!)).toBe('Praxis Müller <no-reply@coaching.example>');
    expect(header(head, 'From')).toContain('=?UTF-8?Q?');
    expect(header(head, 'To')).toBe('zoë@example.test');
    expect(header(head, 'Message-ID')).toBe('<0193-abc@coaching-platform>');
    expect(header(head, 'Date')).toBe('Wed, 01 Jan 2031 08:00:00 +0000');
    expect(header(head, 'List-Unsubscribe')).toBe(mail.headers['List-Unsubscribe']);
    expect(header(head, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(head, 'MIME-Version')).toBe('1.0');
  });

  it('keeps every line within SMTP limits, ended by CRLF', () => {
    const raw = writeMime(mail).raw.toString('utf8');
    expect(raw).not.toMatch(/[^\r]\n/);
    for (const line of raw.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
    const body = raw.slice(raw.indexOf('\r\n\r\n'));
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('gives the envelope the bare addresses', () => {
    expect(writeMime(mail).envelope).toEqual({ from: 'no-reply@coaching.example', to: ['zoë@example.test'] });
  });

  it('gives each message boundaries of its own', () => {
    const a = /boundary="([^"]+)"/.exec(writeMime(mail).raw.toString())?.[1];
    const b = /boundary="([^"]+)"/.exec(writeMime(mail).raw.toString())?.[1];
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
  });
});

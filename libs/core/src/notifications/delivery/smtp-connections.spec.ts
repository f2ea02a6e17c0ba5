import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { writeMime } from './mime';
import { SmtpConnections } from './smtp-connections';

/** A real SMTP server on a free port: counts connections and the messages it took. */
async function server(opts: { refuse?: (to: string) => boolean; auth?: { user: string; pass: string } } = {}) {
  const s = { connections: 0, received: [] as string[], logins: 0 };
  const smtp = new SMTPServer({
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, cb) {
      s.connections++;
      cb();
    },
    onAuth(auth, _session, cb) {
      s.logins++;
      if (auth.username === opts.auth?.user && auth.password === opts.auth?.pass) return cb(null, { user: auth.username });
      cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        const to = session.envelope.rcptTo[0]?.address ?? '';
        if (opts.refuse?.(to)) return cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        s.received.push(to);
        cb();
      });
    },
  });
  smtp.on('error', () => undefined);
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const port = (smtp.server.address() as { port: number }).port;
  // Hangs up every open connection, as a server does with idle clients after a while.
  const hangUp = () => (smtp as unknown as { connections: Set<{ close(): void }> }).connections.forEach((c) => c.close());
  return { state: s, port, hangUp, close: () => new Promise<void>((r) => smtp.close(() => r())) };
}

const mail = (to: string) => writeMime({ from: 'Coaching <no-reply@coaching.example>', to, subject: 'Reminder', text: 'Hello', html: '<p>Hello</p>', messageId: `<${to}@coaching-platform>`, headers: {} });

describe('SmtpConnections', () => {
  it('carries message after message over one open connection', async () => {
    const srv = await server();
    const pool = new SmtpConnections(`smtp://127.0.0.1:${srv.port}`, 5000);
    try {
      for (const to of ['a@example.test', 'b@example.test', 'c@example.test']) await pool.send(mail(to));
      expect(srv.state.received).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
      expect(srv.state.connections).toBe(1);
    } finally {
      pool.close();
      await srv.close();
    }
  });

  it('opens one connection per message sent at once', async () => {
    const srv = await server();
    const pool = new SmtpConnections(`smtp://127.0.0.1:${srv.port}`, 5000);
    try {
      await Promise.all(['a', 'b', 'c'].map((x) => pool.send(mail(`${x}@example.test`))));
      expect(srv.state.received.sort()).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
      expect(srv.state.connections).toBe(3);
    } finally {
      pool.close();
      await srv.close();
    }
  });

  it('a refused message is an error with its reply code; the connection carries the next one', async () => {
    const srv = await server({ refuse: (to) => to.startsWith('gone') });
    const pool = new SmtpConnections(`smtp://127.0.0.1:${srv.port}`, 5000);
    try {
      await expect(pool.send(mail('gone@example.test'))).rejects.toMatchObject({ responseCode: 550 });
      await pool.send(mail('b@example.test'));
      expect(srv.state.received).toEqual(['b@example.test']);
      expect(srv.state.connections).toBe(1);
    } finally {
      pool.close();
      await srv.close();
    }
  });

  it('a connection the server closed while idle is not used again: the next message opens a new one', async () => {
    const srv = await server();
    const pool = new SmtpConnections(`smtp://127.0.0.1:${srv.port}`, 5000);
    try {
      await pool.send(mail('a@example.test'));
      srv.hangUp();
      await new Promise((r) => setTimeout(r, 200));
      await pool.send(mail('b@example.test'));
      expect(srv.state.received).toEqual(['a@example.test', 'b@example.test']);
      expect(srv.state.connections).toBe(2);
    } finally {
      pool.close();
      await srv.close();
    }
  });

  it('logs in with the user and password of SMTP_URL, once per connection', async () => {
    const srv = await server({ auth: { user: 'relay@coaching.example', pass: 's3cret' } });
    const pool = new SmtpConnections(`smtp://relay%40coaching.example:s3cret@127.0.0.1:${srv.port}`, 5000);
    const wrong = new SmtpConnections(`smtp://relay%40coaching.example:nope@127.0.0.1:${srv.port}`, 5000);
    try {
      await pool.send(mail('a@example.test'));
      await pool.send(mail('b@example.test'));
      expect(srv.state.logins).toBe(1);
      await expect(wrong.send(mail('c@example.test'))).rejects.toMatchObject({ code: 'EAUTH' });
      expect(srv.state.received).toEqual(['a@example.test', 'b@example.test']);
    } finally {
      pool.close();
      wrong.close();
      await srv.close();
    }
  });

  it('a server that cannot be reached is an error, not a wait', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const pool = new SmtpConnections(`smtp://127.0.0.1:${port}`, 5000);
    await expect(pool.send(mail('a@example.test'))).rejects.toMatchObject({ code: expect.stringMatching(/ECONNECTION|ESOCKET|ECONNREFUSED/) });
    pool.close();
  });
});

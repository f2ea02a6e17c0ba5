// A real SMTP server (smtp-server) that records what it accepts, for counting what was sent.
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  messageId: string;
  to: string;
  subject: string;
  raw: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  /** Messages accepted: the server answered 250 to a client still connected. */
  received: ReceivedMail[];
  /** Called when a message's data has arrived, before it is accepted (to kill a sender mid-send). */
  onData?: (mail: ReceivedMail) => void;
  /** Milliseconds to wait before accepting each message. */
  delayMs: number;
  /** A reply text for a message to refuse with 550 (undefined: accept it). Refused messages are not received. */
  refuse?: (mail: ReceivedMail) => string | undefined;
  close(): Promise<void>;
}

const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw)?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim() ?? '';

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { port: 0, url: '', received: [], delayMs: 0, close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = { messageId: header(raw, 'Message-ID'), to: header(raw, 'To'), subject: header(raw, 'Subject'), raw };
        sink.onData?.(mail);
        setTimeout(() => {
          // A sender that vanished before our answer never learnt the message was taken: not delivered.
          const socket = (session as unknown as { _socket?: { destroyed?: boolean } })._socket;
          const refusal = sink.refuse?.(mail);
          if (refusal) return callback(Object.assign(new Error(refusal), { responseCode: 550 }));
          if (!closed.has(session.id) && !socket?.destroyed) sink.received.push(mail);
          callback();
        }, sink.delayMs);
      });
    },
    onClose(session) {
      closed.add(session.id);
    },
  });
  const closed = new Set<string>();
  // A sender killed mid-send (as some tests do) resets its connection: that is the test, not a failure of the sink.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as { port: number }).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

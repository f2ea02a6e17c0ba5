import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { RawMail } from './mime';

/** Messages one connection carries before it is closed and a new one opened (as nodemailer's pool does). */
const MAX_MESSAGES = 1000;

interface Connection {
  smtp: SMTPConnection;
  sent: number;
  /** Closed by either side, or failed: never handed out again. */
  gone: boolean;
}

/** The SMTP reply codes of a refused message (the connection itself is fine): not 421, which closes it. */
const refusedMessage = (err: SMTPConnection.SMTPError) => (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') && err.responseCode !== 421;

/** A failure before any of the message was sent: a reused connection the server had closed meanwhile. */
const beforeMessage = (err: SMTPConnection.SMTPError) => ['CONN', 'MAIL FROM', 'EHLO', 'HELO', 'AUTH'].includes(String(err.command ?? 'CONN')) && !err.responseCode;

/**
 * Open SMTP connections to SMTP_URL, each carrying one message at a time: nodemailer's SMTP protocol
 * (SMTPConnection: STARTTLS, AUTH, PIPELINING, dot-stuffing) without its Mail and pool layers, which
 * compile every message again and stream it through them (about 0.4 ms of CPU a message, more than the
 * protocol itself). The caller bounds how many messages are sent at once (MailerService), so at most
 * that many connections are open. A connection is reused while it lives; one the server closed while
 * idle is dropped, and a message that failed on a reused connection before any of it was sent is sent
 * once more on a new connection. A refused message (5xx) leaves its connection open for the next.
 */
export class SmtpConnections {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly options: SMTPConnection.Options;
  /** The user and password of SMTP_URL (smtp://user:pass@host), if any. */
  private readonly auth: SMTPConnection.Credentials | undefined;

  constructor(url: string, timeoutMs: number) {
    const { auth, ...options } = parseConnectionUrl(url) as SMTPConnection.Options & { auth?: SMTPConnection.Credentials };
    this.options = { ...options, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, logger: false };
    this.auth = auth;
  }

  /** Sends one message; rejects with the SMTP error (a refusal, a timeout, a lost connection). */
  async send(mail: RawMail): Promise<void> {
    let conn = this.take();
    const reused = !!conn;
    conn ??= await this.connect();
    try {
      await this.transmit(conn, mail);
    } catch (err) {
      if (!reused || !beforeMessage(err as SMTPConnection.SMTPError)) throw err;
      // The server had closed the idle connection: nothing of this message went out, so a new one carries it.
      await this.transmit(await this.connect(), mail);
    }
  }

  /** Closes every connection (QUIT on the idle ones). */
  close(): void {
    for (const c of this.open) this.drop(c, true);
    this.idle.length = 0;
  }

  private take(): Connection | undefined {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) if (!c.gone) return c;
    return undefined;
  }

  private async transmit(conn: Connection, mail: RawMail): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => conn.smtp.send(mail.envelope, mail.raw, (err) => (err ? reject(err) : resolve())));
    } catch (err) {
      if (conn.gone || !refusedMessage(err as SMTPConnection.SMTPError)) {
        this.drop(conn, false);
        throw err;
      }
      // Refused: RSET, and the connection carries the next message.
      await new Promise<void>((resolve) => conn.smtp.reset((e) => (e ? this.drop(conn, false) : this.release(conn), resolve())));
      throw err;
    }
    this.release(conn);
  }

  private release(conn: Connection): void {
    if (conn.gone) return;
    if (++conn.sent >= MAX_MESSAGES) return this.drop(conn, true);
    this.idle.push(conn);
  }

  private drop(conn: Connection, quit: boolean): void {
    if (!conn.gone) {
      conn.gone = true;
      if (quit) conn.smtp.quit();
      else conn.smtp.close();
    }
    this.open.delete(conn);
  }

  private async connect(): Promise<Connection> {
    const smtp = new SMTPConnection(this.options);
    const conn: Connection = { smtp, sent: 0, gone: false };
    // Always listened to: a connection that fails while idle must not throw an unhandled 'error'.
    smtp.on('error', () => this.drop(conn, false));
    smtp.on('end', () => this.drop(conn, false));
    this.open.add(conn);
    try {
      // A failure to connect is emitted as 'error', not given to connect's callback.
      await new Promise<void>((resolve, reject) => {
        smtp.once('error', reject);
        smtp.connect((err) => {
          smtp.off('error', reject);
          if (err) reject(err);
          else resolve();
        });
      });
      const auth = this.auth;
      if (auth) await new Promise<void>((resolve, reject) => smtp.login(auth, (err) => (err ? reject(err) : resolve())));
    } catch (err) {
      this.drop(conn, false);
      throw err;
    }
    return conn;
  }
}

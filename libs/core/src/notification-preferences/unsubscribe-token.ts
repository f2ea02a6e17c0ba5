// The signed token of a one-click unsubscribe link (RFC 8058): who, in which practice, stops which kind.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';

export interface UnsubscribeSubject {
  practiceId: string;
  /** An account, or (for a client without one) the client record. */
  recipient: { userId: string; clientId?: undefined } | { clientId: string; userId?: undefined };
  kind: string;
}

const UUID_HEX = /^[0-9a-f]{32}$/;
const hex = (uuid: string) => uuid.replace(/-/g, '');
const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

/**
 * Tokens are `<practice>.<u|c><recipient>.<kind>.<mac>`: ids as hex, the MAC an HMAC-SHA256 (base64url,
 * 128 bits) keyed by a key derived from JWT_SECRET for this use only. They do not expire: a link in an
 * old email still works, as RFC 8058 expects; it can only ever stop one kind of email for one recipient.
 */
@Injectable()
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = createHmac('sha256', config.jwtSecret).update('unsubscribe-token-v1').digest();
  }

  sign(s: UnsubscribeSubject): string {
    const who = s.recipient.userId ? `u${hex(s.recipient.userId)}` : `c${hex(s.recipient.clientId!)}`;
    const body = `${hex(s.practiceId)}.${who}.${s.kind}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The subject of a token this service signed, or null for anything else. */
  verify(token: string): UnsubscribeSubject | null {
    const parts = token.split('.');
    if (parts.length !== 4) return null;
    const [practice, who, kind, mac] = parts;
    const expected = Buffer.from(this.mac(`${practice}.${who}.${kind}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const id = who.slice(1);
    if (!UUID_HEX.test(practice) || !UUID_HEX.test(id) || !/^[a-z_]{1,64}$/.test(kind)) return null;
    const recipient = who[0] === 'u' ? { userId: uuid(id) } : who[0] === 'c' ? { clientId: uuid(id) } : null;
    return recipient ? { practiceId: uuid(practice), recipient, kind } : null;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16).toString('base64url');
  }
}

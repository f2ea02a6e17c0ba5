// Encryption of small secrets kept at rest (stored responses, webhook signing secrets).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from a master secret, a purpose label and an optional
 * context (e.g. the row the secret belongs to): a blob sealed for one purpose or row never opens for
 * another. Blobs are `iv (12) | tag (16) | ciphertext`.
 */
export class SecretBox {
  constructor(private readonly masterSecret: string) {}

  encrypt(purpose: string, plaintext: string | Buffer, context = ''): Buffer {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key(purpose, context), iv);
    const data = Buffer.concat([c.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), data]);
  }

  /** Throws when the blob was sealed under another purpose, context or master secret, or was altered. */
  decrypt(purpose: string, blob: Buffer, context = ''): Buffer {
    if (blob.length < IV_BYTES + TAG_BYTES) throw new Error('SecretBox: blob too short');
    const d = createDecipheriv('aes-256-gcm', this.key(purpose, context), blob.subarray(0, IV_BYTES));
    d.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([d.update(blob.subarray(IV_BYTES + TAG_BYTES)), d.final()]);
  }

  decryptText(purpose: string, blob: Buffer, context = ''): string {
    return this.decrypt(purpose, blob, context).toString('utf8');
  }

  // The context is the HKDF salt and the purpose its info, so records sealed before this class existed
  // (idempotency: salt = scope, info = "idempotency:<key>") still open.
  private key(purpose: string, context: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.masterSecret, context, purpose, 32));
  }
}

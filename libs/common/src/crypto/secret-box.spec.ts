import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const master = 'a master secret of at least thirty-two characters';

describe('SecretBox', () => {
  const box = new SecretBox(master);

  it('round-trips, with a fresh IV each time', () => {
    const a = box.encrypt('webhook-signing-secret', 'whsec_abc', 'p/e');
    const b = box.encrypt('webhook-signing-secret', 'whsec_abc', 'p/e');
    expect(a.equals(b)).toBe(false);
    expect(box.decryptText('webhook-signing-secret', a, 'p/e')).toBe('whsec_abc');
  });

  it('does not open under another purpose, context or master secret, or when altered', () => {
    const blob = box.encrypt('one', 'secret', 'ctx');
    expect(() => box.decrypt('two', blob, 'ctx')).toThrow();
    expect(() => box.decrypt('one', blob, 'other')).toThrow();
    expect(() => new SecretBox(master + '!').decrypt('one', blob, 'ctx')).toThrow();
    const altered = Buffer.from(blob);
    altered[altered.length - 1] ^= 1;
    expect(() => box.decrypt('one', altered, 'ctx')).toThrow();
    expect(() => box.decrypt('one', blob.subarray(0, 20), 'ctx')).toThrow();
  });

  it('opens blobs written by the idempotency interceptor before it used SecretBox', () => {
    const key = Buffer.from(hkdfSync('sha256', master, 'scope', 'idempotency:key-1', 32));
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([c.update('{"ok":true}', 'utf8'), c.final()]);
    const legacy = Buffer.concat([iv, c.getAuthTag(), data]);
    expect(box.decryptText('idempotency:key-1', legacy, 'scope')).toBe('{"ok":true}');
  });
});

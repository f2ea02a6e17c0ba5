import { createHash } from 'node:crypto';
import { apiKeyPrefix, hashPassword, hashSecret, issueSecret, practiceOfSecret, safeEqual, verifyPassword } from './secrets';

const PRACTICE = '0190f3a2-7c41-7d2e-9a6b-3f5e8c1d2b4a';

describe('opaque secrets', () => {
  it('round-trips the practice id for every prefix', () => {
    for (const prefix of ['cpk', 'crt', 'cin', 'cal'] as const) {
      const { token, hash } = issueSecret(prefix, PRACTICE);
      expect(token.startsWith(`${prefix}_`)).toBe(true);
      expect(practiceOfSecret(prefix, token)).toBe(PRACTICE);
      expect(hash).toBe(hashSecret(token));
    }
  });

  it('labels each API key so listed prefixes tell keys of one practice apart', () => {
    const keys = Array.from({ length: 50 }, () => issueSecret('cpk', PRACTICE).token);
    for (const k of keys) expect(k).toMatch(/^cpk_[0-9a-f]{8}_[0-9a-f]{32}[A-Za-z0-9_-]{43}$/);
    expect(new Set(keys.map(apiKeyPrefix)).size).toBe(keys.length);
    expect(apiKeyPrefix(keys[0])).toBe(keys[0].slice(0, 12));
  });

  it('still reads an API key issued before keys had a label', () => {
    const legacy = `cpk_${PRACTICE.replace(/-/g, '')}${'A'.repeat(43)}`;
    expect(practiceOfSecret('cpk', legacy)).toBe(PRACTICE);
  });

  it('issues a different secret each time', () => {
    const a = issueSecret('cpk', PRACTICE);
    const b = issueSecret('cpk', PRACTICE);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).not.toBe(b.hash);
  });

  it('carries 256 random bits after the practice id', () => {
    const { token } = issueSecret('crt', PRACTICE);
    const random = token.slice('crt_'.length + 32);
    expect(random).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(random, 'base64url')).toHaveLength(32);
  });

  it('returns null for a secret of another kind', () => {
    const { token } = issueSecret('cin', PRACTICE);
    expect(practiceOfSecret('crt', token)).toBeNull();
    expect(practiceOfSecret('cpk', token)).toBeNull();
  });

  it.each<[string, (t: string) => string]>([
    ['empty', () => ''],
    ['the prefix only', () => 'cpk_'],
    ['truncated', (t) => t.slice(0, -1)],
    ['one character too long', (t) => `${t}A`],
    ['without the underscore', (t) => t.replace('cpk_', 'cpk')],
    ['an upper-case practice id', (t) => t.slice(0, 4) + t.slice(4, 36).toUpperCase() + t.slice(36)],
    ['a non-hex practice id', (t) => `${t.slice(0, 4)}z${t.slice(5)}`],
    ['a character outside base64url', (t) => `${t.slice(0, -1)}+`],
    ['surrounding whitespace', (t) => ` ${t}`],
    ['a trailing newline', (t) => `${t}\n`],
  ])('returns null when %s', (_, mangle) => {
    const { token } = issueSecret('cpk', PRACTICE);
    expect(practiceOfSecret('cpk', mangle(token))).toBeNull();
  });

  it('hashes with sha256 as lower-case hex', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const { token, hash } = issueSecret('cpk', PRACTICE);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('compares in constant time, length included', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('passwords', () => {
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword('correct horse battery staple');
  });

  it('hashes with argon2id at the OWASP parameters', () => {
    const [, algorithm, version, params] = hash.split('$');
    expect([algorithm, version]).toEqual(['argon2id', 'v=19']);
    // PHC strings do not fix the parameter order, so compare them as a set.
    expect(params.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(hash).not.toContain('correct horse');
  });

  it('salts every hash', async () => {
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
  });

  it('accepts the right password and rejects a wrong one', async () => {
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('rejects rather than throws on a malformed hash', async () => {
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
  });
});

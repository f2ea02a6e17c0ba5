// Opaque secrets (API keys, refresh and invitation tokens) and their stored hashes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as argon2 from 'argon2';

export type SecretPrefix = 'cpk' | 'crt' | 'cin' | 'cal';

/**
 * A secret names its practice (its id, without dashes) so lookups run inside that practice's
 * row-level-security context; the random part is 256 bits.
 */
export function issueSecret(prefix: SecretPrefix, practiceId: string): { token: string; hash: string } {
  // An API key opens with a short random label of its own (`cpk_1a2b3c4d_…`): listed as the key's prefix,
  // it tells an owner's keys apart (they all name the same practice). It is not part of the 256 secret bits.
  const label = prefix === 'cpk' ? `${randomBytes(4).toString('hex')}_` : '';
  const token = `${prefix}_${label}${practiceId.replace(/-/g, '')}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecret(token) };
}

/** The part of an API key shown in lists: `cpk_` and the key's own label (keys issued before labels show the practice's first digits). */
export const apiKeyPrefix = (token: string): string => token.slice(0, 12);

export function hashSecret(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The practice a well-formed secret names, or null. */
export function practiceOfSecret(prefix: SecretPrefix, token: string): string | null {
  // API keys issued before they had a label still work.
  const label = prefix === 'cpk' ? '(?:[0-9a-f]{8}_)?' : '';
  const m = new RegExp(`^${prefix}_${label}([0-9a-f]{32})[A-Za-z0-9_-]{43}$`).exec(token);
  if (!m) return null;
  const h = m[1];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

// OWASP: argon2id, 19 MiB, 2 iterations, 1 lane.
const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, ARGON2);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verified against when no account matches, so a wrong email costs as much time as a wrong password.
let dummyHash: Promise<string> | undefined;
export const dummyPasswordHash = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

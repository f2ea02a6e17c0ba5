import { randomBytes } from 'node:crypto';
import { weakSecretReason } from './secret-strength';

describe('weakSecretReason', () => {
  it.each([
    ['hex, 16 bytes', () => randomBytes(16).toString('hex')],
    ['base64url, 24 bytes', () => randomBytes(24).toString('base64url')],
    ['base64, 36 bytes', () => randomBytes(36).toString('base64')],
    ['hex, 32 bytes', () => randomBytes(32).toString('hex')],
  ])('passes generated secrets (%s), every one of 1,000', (_, generate) => {
    const refused: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const secret = generate();
      if (weakSecretReason(secret)) refused.push(secret);
    }
    expect(refused).toEqual([]);
  });

  it.each([
    ['local-docker-secret-change-me-0123456789abcdef', /placeholder/],
    ['please-CHANGEME-before-going-live-0000', /placeholder/],
    ['my-super-long-password-for-production', /placeholder/],
    ['0123456789abcdef0123456789abcdef', /repeats/],
    ['abababababababababababababababab', /repeats/],
    ['abcdefghijklmnopqrstuvwxyz012345', /variety/],
    ['Kq9zzzzzzzzzP2mW7xR4vB8nT1cY6hJ3', /variety/],
    ['aaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbc', /variety/],
  ])('refuses %s', (secret, reason) => {
    expect(weakSecretReason(secret)).toMatch(reason);
  });

  it('never puts the secret into its answer', () => {
    const secret = 'q'.repeat(40);
    expect(weakSecretReason(secret)).not.toContain(secret);
  });
});

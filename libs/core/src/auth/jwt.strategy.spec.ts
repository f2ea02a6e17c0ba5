import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { JwtStrategy, VERIFIED_TOKENS_KEPT } from './jwt.strategy';

const secret = createSecretKey(Buffer.from('unit-test-secret-0123456789abcdef0123456789'));
const practiceId = '01941f29-7c00-7001-8000-000000000007';
const jwt = new JwtService({ secret, signOptions: { algorithm: 'HS256', issuer: 'coaching', audience: 'coaching-api' }, verifyOptions: { algorithms: ['HS256'], issuer: 'coaching', audience: 'coaching-api' } });
const sign = (sub: string, expiresIn: number) => jwt.sign({ sub, pid: practiceId, role: 'coach' }, { expiresIn });

describe('JwtStrategy', () => {
  afterEach(() => jest.restoreAllMocks());

  it('verifies a token once and answers its next uses from memory, with the same caller', () => {
    const strategy = new JwtStrategy(jwt);
    const verify = jest.spyOn(jwt, 'verify');
    const token = sign('user-a', 900);
    const first = strategy.authenticate(token);
    expect(first).toMatchObject({ practiceId, userId: 'user-a', role: 'coach', apiKeyId: null });
    expect(strategy.authenticate(token)).toEqual(first);
    expect(strategy.authenticate(token)).toEqual(first);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token once it has expired', () => {
    const strategy = new JwtStrategy(jwt);
    const token = sign('user-b', 60);
    expect(strategy.authenticate(token)).not.toBeNull();
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect(strategy.authenticate(token)).toBeNull();
  });

  it('never remembers a bad token: a forged signature stays refused', () => {
    const strategy = new JwtStrategy(jwt);
    const token = sign('user-c', 900);
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    expect(strategy.authenticate(forged)).toBeNull();
    expect(strategy.authenticate(forged)).toBeNull();
    expect(strategy.authenticate(token)).not.toBeNull();
  });

  it('keeps a bounded number of tokens, forgetting the oldest first', () => {
    const strategy = new JwtStrategy(jwt);
    const first = sign('user-0', 900);
    strategy.authenticate(first);
    for (let i = 1; i <= VERIFIED_TOKENS_KEPT; i++) strategy.authenticate(sign(`user-${i}`, 900));
    const verify = jest.spyOn(jwt, 'verify');
    // The first was forgotten to make room: verified again. The newest is still remembered.
    expect(strategy.authenticate(first)).toMatchObject({ userId: 'user-0' });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(strategy.authenticate(sign(`user-${VERIFIED_TOKENS_KEPT}`, 900))).not.toBeNull();
  });
});

import { ACTING_USER_CHECK_KEPT_MS, ActingUser, actingUser, checkPassed, forgetCheckedUsers, mustCheck } from './acting-user';

const practiceId = '01941f29-7c00-7001-8000-000000000001';
const reader = (userId: string, role = 'coach'): ActingUser => actingUser({ practiceId, userId, claims: { role, clientId: null }, writes: false });

describe('when a transaction checks its acting user', () => {
  afterEach(() => forgetCheckedUsers());

  it('a request that may write: every time, whatever was checked before', () => {
    const u = actingUser({ practiceId, userId: 'w', claims: { role: 'coach', clientId: null }, writes: true });
    checkPassed(u, 1_000);
    expect(mustCheck(u, 1_001)).toBe(true);
  });

  it('a read: first time, then not until ACTING_USER_CHECK_KEPT_MS after the last check passed', () => {
    const u = reader('r');
    expect(mustCheck(u, 1_000)).toBe(true);
    checkPassed(u, 1_000);
    expect(mustCheck(u, 1_000 + ACTING_USER_CHECK_KEPT_MS - 1)).toBe(false);
    expect(mustCheck(u, 1_000 + ACTING_USER_CHECK_KEPT_MS)).toBe(true);
  });

  it('a check stands only for the claims it checked: the same user with another role is checked', () => {
    checkPassed(reader('c', 'coach'), 1_000);
    expect(mustCheck(reader('c', 'owner'), 1_001)).toBe(true);
    expect(mustCheck(actingUser({ practiceId, userId: 'c', writes: false }), 1_001)).toBe(true);
  });

  it('forgetting (an access ended here) makes every read check again', () => {
    const u = reader('f');
    checkPassed(u, 1_000);
    forgetCheckedUsers();
    expect(mustCheck(u, 1_001)).toBe(true);
  });
});

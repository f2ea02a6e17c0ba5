// The user an API request acts as, carried beside the request so every transaction it opens can check that user still may act.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who a request acts as: checked at the start of each of its transactions (the user exists and is not deactivated). */
export interface ActingUser {
  readonly practiceId: string;
  readonly userId: string;
  /** For an access token: the role and client it was signed with must still be the user's. Not for an API key (its role is the key's). */
  readonly claims?: { readonly role: string; readonly clientId: string | null };
  /** The request may write (any method but GET/HEAD/OPTIONS): checked in every transaction, never from memory. */
  readonly writes: boolean;
  /** Who was checked (practice, user, claims): what a passed check is remembered under. */
  readonly key: string;
}

/** The acting user of one request, with the key its checks are remembered under worked out once. */
export function actingUser(u: Omit<ActingUser, 'key'>): ActingUser {
  return { ...u, key: `${u.practiceId}:${u.userId}:${u.claims ? `${u.claims.role}:${u.claims.clientId}` : 'key'}` };
}

/** How long a read-only request may rely on an earlier check of the same user (in this process). */
export const ACTING_USER_CHECK_KEPT_MS = 5_000;
const CHECKS_KEPT = 10_000;
/** User (with the claims checked) → until when a passed check stands for reads. */
const passed = new Map<string, number>();

/** Whether this transaction must check its user: always for a request that may write, else once every few seconds per user. */
export function mustCheck(u: ActingUser, now = Date.now()): boolean {
  if (u.writes) return true;
  const until = passed.get(u.key);
  return until === undefined || until <= now;
}

/** A check passed: reads by the same user rely on it for a few seconds. */
export function checkPassed(u: ActingUser, now = Date.now()): void {
  const key = u.key;
  passed.delete(key);
  if (passed.size >= CHECKS_KEPT) passed.delete(passed.keys().next().value!);
  passed.set(key, now + ACTING_USER_CHECK_KEPT_MS);
}

/**
 * A user's access ended (committed): this process checks every user again from the next transaction on.
 * Other API copies rely on their last check for reads for at most ACTING_USER_CHECK_KEPT_MS.
 */
export function forgetCheckedUsers(): void {
  passed.clear();
}

const store = new AsyncLocalStorage<ActingUser>();

/** Runs `work` (and everything it starts) as `user`. */
export function runAsUser<T>(user: ActingUser, work: () => T): T {
  return store.run(user, work);
}

export function currentActingUser(): ActingUser | undefined {
  return store.getStore();
}

/** The request's user no longer exists, was deactivated, or is not who its token says: the request is unauthenticated. */
export class ActingUserGone extends Error {
  constructor() {
    super('The signed-in user no longer has access.');
    this.name = 'ActingUserGone';
  }
}

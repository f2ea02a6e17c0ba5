// The user an API request acts as, carried beside the request so every transaction it opens can check that user still may act.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who a request acts as: checked at the start of each of its transactions (the user exists and is not deactivated). */
export interface ActingUser {
  readonly practiceId: string;
  readonly userId: string;
  /** For an access token: the role and client it was signed with must still be the user's. Not for an API key (its role is the key's). */
  readonly claims?: { readonly role: string; readonly clientId: string | null };
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

import { APP_ROLE } from './roles';

/**
 * How long a pool keeps a connection nobody borrows. pg-pool's own default is 10 s, so a copy that ran
 * busy and then lighter closed most of its connections ten seconds into the lull (every backend exiting
 * at once) and opened them again at the next burst, a new PostgreSQL backend each, in the middle of
 * requests. A minute rides over the ordinary ebb and flow of a practice's day; a copy idle for longer
 * gives its connections back.
 */
export const POOL_IDLE_TIMEOUT_MS = 60_000;

/** The driver options of an application pool: every connection as APP_ROLE, kept while idle as above. */
export const appPoolOptions = (): { options: string; idleTimeoutMillis: number } => ({ options: `-c role=${APP_ROLE}`, idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS });

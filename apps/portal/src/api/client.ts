// The typed API client: every call goes through openapi-fetch with the paths generated from the API's
// own /openapi.json (schema.d.ts), so a change of contract breaks the portal's build, not its users.
import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { queryClient } from './query-client';
import { tokens } from './tokens';

export interface FieldError {
  path: string;
  message: string;
}

/** A problem+json answer (or a network failure) as an exception the pages can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | null,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(describe(status, title, detail));
  }

  static from(response: Response, body: unknown): ApiError {
    const p = (body && typeof body === 'object' ? body : {}) as { title?: unknown; detail?: unknown; errors?: unknown };
    const errors = Array.isArray(p.errors)
      ? p.errors.filter((e): e is FieldError => !!e && typeof e === 'object' && typeof (e as FieldError).path === 'string' && typeof (e as FieldError).message === 'string')
      : [];
    const title = typeof p.title === 'string' ? p.title : response.statusText || 'Request failed';
    return new ApiError(response.status, title, typeof p.detail === 'string' ? p.detail : null, errors);
  }
}

/** What to tell a person. */
function describe(status: number, title: string, detail: string | null): string {
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status === 429) return 'Too many attempts. Please wait a minute and try again.';
  if (status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  return detail ?? title;
}

const AUTH_PATHS = ['/v1/auth/login', '/v1/auth/refresh', '/v1/auth/signup', '/v1/invitations/accept'];

type Listener = () => void;
const signedOutListeners = new Set<Listener>();
/** Called when the session ends by itself (the refresh was answered 401). */
export function onSignedOut(listener: Listener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/**
 * What a refresh came to: a new pair; the session is over (the API said 401: the refresh token is spent,
 * revoked or unknown); the server could not be reached; or the API answered something else (429, 5xx), which
 * ends nothing: the session is kept and that answer goes back to the page.
 */
type RefreshOutcome = 'refreshed' | 'ended' | 'offline' | Response;

let refreshing: Promise<RefreshOutcome> | null = null;

/** The session endpoints without the wrapper below: a refresh must not itself refresh or retry. */
const plain = createClient<paths>({ baseUrl: window.location.origin });

async function exchange(): Promise<RefreshOutcome> {
  const current = tokens.get();
  if (!current) return 'ended';
  const result = await plain.POST('/v1/auth/refresh', { body: { refreshToken: current.refreshToken } }).catch(() => null);
  if (!result) return 'offline'; // keep the session, the next call tries again
  if (result.response.ok && result.data) {
    tokens.set(result.data);
    return 'refreshed';
  }
  // Only the API's word that the session is over signs the person out; being rate limited or a server
  // having a bad moment does not.
  if (result.response.status !== 401) {
    const r = result.response;
    // A fresh copy: openapi-fetch has read this one's body, the page's call reads the copy's.
    return new Response(JSON.stringify(result.error ?? null), { status: r.status, statusText: r.statusText, headers: r.headers });
  }
  // Another tab may have refreshed meanwhile (without a lock): its pair stands.
  if (tokens.get()?.refreshToken === current.refreshToken) tokens.clear();
  return tokens.get() ? 'refreshed' : 'ended';
}

/** One refresh at a time, across tabs when the browser can lock: a refresh token is spent on use. */
function refreshOnce(staleAccessToken: string): Promise<RefreshOutcome> {
  refreshing ??= (async () => {
    const run = async (): Promise<RefreshOutcome> => (tokens.get()?.accessToken !== staleAccessToken ? (tokens.get() ? 'refreshed' : 'ended') : exchange());
    try {
      return navigator.locks ? await navigator.locks.request('coaching-portal-refresh', run) : await run();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Adds the access token; on 401 refreshes the session and retries the request once. */
async function authorizedFetch(request: Request): Promise<Response> {
  if (request.method === 'POST' && !request.headers.has('Idempotency-Key')) request.headers.set('Idempotency-Key', newIdempotencyKey());
  const retry = request.clone();
  const session = tokens.get();
  if (session) request.headers.set('Authorization', `Bearer ${session.accessToken}`);
  let res: Response;
  try {
    res = await fetch(request);
  } catch {
    throw new ApiError(0, 'Network error', null);
  }
  if (res.status !== 401 || !session || AUTH_PATHS.includes(new URL(request.url).pathname)) return res;
  const outcome = await refreshOnce(session.accessToken);
  if (outcome === 'offline') throw new ApiError(0, 'Network error', null);
  // A 429 or 5xx from the refresh is what the page shows ("try again"); the person stays signed in.
  // (A copy each: the callers waiting on one refresh each read the answer.)
  if (outcome instanceof Response) return outcome.clone();
  if (outcome === 'ended' || !tokens.get()) {
    signedOutListeners.forEach((l) => l());
    return res;
  }
  retry.headers.set('Authorization', `Bearer ${tokens.get()!.accessToken}`);
  return fetch(retry);
}

/**
 * After a change that went through, nothing loaded before it is shown again: any other page loads afresh
 * when next opened (its cached data is dropped), and the page on screen is marked stale. That page is not
 * reloaded under the person's hands: it shows the change itself (a ticked item stays in its list until they
 * leave), and is refreshed when the window comes back into focus.
 */
async function fetchAndInvalidate(request: Request): Promise<Response> {
  const res = await authorizedFetch(request);
  if (res.ok && request.method !== 'GET' && request.method !== 'HEAD') {
    queryClient.removeQueries({ type: 'inactive' });
    void queryClient.invalidateQueries({ refetchType: 'none' });
  }
  return res;
}

export const api = createClient<paths>({ baseUrl: window.location.origin, fetch: fetchAndInvalidate });

/** Resolves to the response body, or throws an ApiError for any non-2xx answer. */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) throw ApiError.from(response, error);
  return data as T;
}

type FetchPage<T> = (cursor: string | undefined) => Promise<{ data: T[]; nextCursor?: string | null }>;

/** A part of a long list, and where to continue it (null once it is all there). */
export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/** Up to `count` pages from `cursor` on: for long lists (notifications, mail) shown with a "Show more". */
export async function pages<T>(fetchPage: FetchPage<T>, count: number, cursor?: string): Promise<Paged<T>> {
  const items: T[] = [];
  let next: string | undefined = cursor;
  for (let i = 0; i < count; i++) {
    const page = await fetchPage(next);
    items.push(...page.data);
    if (!page.nextCursor) return { items, nextCursor: null };
    if (page.nextCursor === next) throw new Error('The list could not be read to its end. Please reload the page.');
    next = page.nextCursor;
  }
  return { items, nextCursor: next ?? null };
}

/** Every page of a list endpoint, following its cursors to the end (a practice's clients, an engagement's goals). */
export async function all<T>(fetchPage: FetchPage<T>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await pages(fetchPage, 10, cursor);
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

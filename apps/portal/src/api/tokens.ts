// The signed-in session's tokens, kept in localStorage so a reload (or a second tab) stays signed in.
import { queryClient } from './query-client';

const KEY = 'coaching-portal.session';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export const tokens = {
  get(): TokenPair | null {
    try {
      const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as TokenPair | null;
      return v && typeof v.accessToken === 'string' && typeof v.refreshToken === 'string' ? v : null;
    } catch {
      return null;
    }
  },
  set(pair: TokenPair): void {
    localStorage.setItem(KEY, JSON.stringify({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }));
  },
  /** The session is over: its tokens and everything loaded with them are forgotten. */
  clear(): void {
    localStorage.removeItem(KEY);
    queryClient.clear();
  },
};

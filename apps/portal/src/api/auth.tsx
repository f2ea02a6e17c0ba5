// Who is signed in: sign in, invitation acceptance, sign out, and the caller's profile (GET /v1/me).
import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError, call, onSignedOut } from './client';
import { tokens } from './tokens';
import type { Me } from './types';

type Status = 'loading' | 'signed-out' | 'signed-in';

interface AuthValue {
  status: Status;
  me: Me | null;
  /** While loading: why the portal could not open yet (it tries again by itself). */
  problem: string | null;
  signIn(practice: string, email: string, password: string): Promise<Me>;
  acceptInvitation(token: string, name: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
  refreshMe(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<Status>(tokens.get() ? 'loading' : 'signed-out');
  /** Why the portal could not open yet (while loading): shown instead of the plain spinner. */
  const [problem, setProblem] = useState<string | null>(null);

  const loadMe = useCallback(async () => {
    const profile = await call(api.GET('/v1/me'));
    setMe(profile);
    setStatus('signed-in');
    return profile;
  }, []);

  useEffect(() => {
    let retry: number | undefined;
    // Opening the portal signed in: only a 401 (the session is over) signs the person out. Offline, rate
    // limited or a server error: the session is kept, the reason shown, and the portal tries again.
    const open = (attempt: number) => {
      loadMe().then(
        () => setProblem(null),
        (e: unknown) => {
          if (!tokens.get() || (e instanceof ApiError && e.status === 401)) {
            tokens.clear();
            setMe(null);
            setStatus('signed-out');
            return;
          }
          setProblem(e instanceof Error ? e.message : String(e));
          retry = window.setTimeout(() => open(attempt + 1), Math.min(1000 * 2 ** attempt, 15_000));
        },
      );
    };
    if (tokens.get()) open(0);
    const unsubscribe = onSignedOut(() => {
      setMe(null);
      setStatus('signed-out');
    });
    return () => {
      window.clearTimeout(retry);
      unsubscribe();
    };
  }, [loadMe]);

  // Another tab signed out: follow it.
  useEffect(() => {
    const onStorage = () => {
      if (!tokens.get()) {
        setMe(null);
        setStatus('signed-out');
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      status,
      me,
      problem,
      async signIn(practice, email, password) {
        const s = await call(api.POST('/v1/auth/login', { body: { practice: practice.trim().toLowerCase(), email: email.trim(), password } }));
        tokens.set(s);
        return loadMe();
      },
      async acceptInvitation(token, name, password) {
        const s = await call(api.POST('/v1/invitations/accept', { body: { token, name, password } }));
        tokens.set(s);
        return loadMe();
      },
      async signOut() {
        const t = tokens.get();
        if (t) await api.POST('/v1/auth/logout', { body: { refreshToken: t.refreshToken } }).catch(() => undefined);
        tokens.clear();
        setMe(null);
        setStatus('signed-out');
      },
      async refreshMe() {
        await loadMe();
      },
    }),
    [status, me, problem, loadMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in person; pages behind sign-in only. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe while signed out');
  return me;
}

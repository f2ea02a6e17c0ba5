// Who is signed in: sign in, invitation acceptance, sign out, and the caller's profile (GET /v1/me).
import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, call, onSignedOut } from './client';
import { tokens } from './tokens';
import type { Me } from './types';

type Status = 'loading' | 'signed-out' | 'signed-in';

interface AuthValue {
  status: Status;
  me: Me | null;
  signIn(practice: string, email: string, password: string): Promise<Me>;
  acceptInvitation(token: string, name: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
  refreshMe(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<Status>(tokens.get() ? 'loading' : 'signed-out');

  const loadMe = useCallback(async () => {
    const profile = await call(api.GET('/v1/me'));
    setMe(profile);
    setStatus('signed-in');
    return profile;
  }, []);

  useEffect(() => {
    if (tokens.get()) {
      loadMe().catch(() => {
        tokens.clear();
        setMe(null);
        setStatus('signed-out');
      });
    }
    return onSignedOut(() => {
      setMe(null);
      setStatus('signed-out');
    });
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
    [status, me, loadMe],
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

import { FormEvent, ReactNode, useState } from 'react';
import { useAuth } from '../../api/auth';
import { DocumentTitle, Field, FormError, useSubmit } from '../../components/ui';
import { navigate, useLocation } from '../../router';

const LAST_PRACTICE = 'coaching-portal.practice';

/** The practice the next sign-in on this browser is pre-filled with. */
export function rememberPractice(slug: string): void {
  try {
    localStorage.setItem(LAST_PRACTICE, slug.trim().toLowerCase());
  } catch {
    // storage full or disabled: the person types it
  }
}

/** An invitation link: the token, and the practice so the new member knows it (and signs in to it later). */
export function invitationLink(token: string, practice: { slug: string; name: string }): string {
  const q = new URLSearchParams({ token, practice: practice.slug, practiceName: practice.name });
  return `${window.location.origin}/accept?${q.toString()}`;
}

/** Only same-site page addresses are followed after signing in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export function SignInPage() {
  const { signIn } = useAuth();
  const { query } = useLocation();
  const [practice, setPractice] = useState(() => query.get('practice') ?? localStorage.getItem(LAST_PRACTICE) ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await form.run(async () => {
      await signIn(practice, email, password);
      rememberPractice(practice);
    });
    // On a refusal everything typed stays: the API cannot say which of the three was wrong, and the
    // practice is as likely to blame as the password.
    if (ok) navigate(safeNext(query.get('next')), { replace: true });
  };

  return (
    <AuthFrame title="Sign in" subtitle="Plan sessions, agree goals and see progress.">
      <form onSubmit={submit} className="stack" aria-label="Sign in">
        <FormError error={form.error} />
        <Field label="Practice" hint="Your practice's short name, as in your invitation (the demo practice is demo).">
          {(p) => <input {...p} name="practice" autoComplete="organization" autoCapitalize="none" spellCheck={false} value={practice} onChange={(e) => setPractice(e.target.value)} required />}
        </Field>
        <Field label="Email">
          {(p) => <input {...p} name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label="Password">
          {(p) => <input {...p} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />}
        </Field>
        <button className="btn btn-primary btn-block" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthFrame>
  );
}

export function AuthFrame({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <div className="auth">
      <DocumentTitle title={title} />
      <main className="auth-card" id="main" tabIndex={-1}>
        <div className="auth-brand" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="40" height="40">
            <rect width="32" height="32" rx="8" />
            <path d="M8 22 L14 15 L18 19 L24 10" />
          </svg>
          <span>Coaching portal</span>
        </div>
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {subtitle && <p className="muted">{subtitle}</p>}
        {children}
      </main>
    </div>
  );
}

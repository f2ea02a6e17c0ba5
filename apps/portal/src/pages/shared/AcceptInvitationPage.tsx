import { FormEvent, useState } from 'react';
import { useAuth } from '../../api/auth';
import { ApiError } from '../../api/client';
import { Field, FormError, useSubmit } from '../../components/ui';
import { Link, navigate, useLocation } from '../../router';
import { AuthFrame, rememberPractice } from './SignInPage';

export function AcceptInvitationPage() {
  const { acceptInvitation, signOut, me } = useAuth();
  const { query } = useLocation();
  const token = query.get('token') ?? '';
  // Links made by the portal name the practice; older links have only the token.
  const slug = query.get('practice')?.trim() ?? '';
  const practiceName = query.get('practiceName')?.trim() || null;
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const form = useSubmit();

  if (!token) {
    return (
      <AuthFrame title="Invitation link incomplete">
        <p>This link has no invitation in it. Open the link from your invitation again, or ask your coach for a new one.</p>
        <Link to="/sign-in">Go to sign in</Link>
      </AuthFrame>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) {
      form.setError('The two passwords are not the same.');
      return;
    }
    // Someone else may be signed in on this browser; the new account takes over.
    if (me) await signOut();
    const ok = await form.run(async () => {
      try {
        const profile = await acceptInvitation(token, name.trim(), password);
        // The next sign-in on this browser starts with the practice filled in.
        rememberPractice(profile.practice.slug || slug);
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 409)) {
          throw new Error('This invitation was already used or has expired. Sign in if you already have an account, or ask for a new invitation.');
        }
        throw err;
      }
    });
    if (ok) navigate('/', { replace: true });
  };

  return (
    <AuthFrame
      title={practiceName ? `Join ${practiceName}` : 'Accept your invitation'}
      subtitle={practiceName ? `You have been invited to ${practiceName}'s coaching portal. Choose your name and a password to create your account.` : 'Choose your name and a password to create your account.'}
    >
      <form onSubmit={submit} className="stack" aria-label="Accept invitation">
        {slug && (
          <p className="practice-note">
            Your practice address is <strong>{slug}</strong>: you sign in with it, your email and your password.
          </p>
        )}
        <FormError error={form.error} />
        <Field label="Your name" error={form.fields.name}>
          {(p) => <input {...p} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />}
        </Field>
        <Field label="Password" hint="At least 10 characters." error={form.fields.password}>
          {(p) => <input {...p} type="password" autoComplete="new-password" minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} required />}
        </Field>
        <Field label="Repeat the password">
          {(p) => <input {...p} type="password" autoComplete="new-password" minLength={10} value={confirm} onChange={(e) => setConfirm(e.target.value)} required />}
        </Field>
        <button className="btn btn-primary btn-block" disabled={form.busy}>
          {form.busy ? 'Creating your account…' : 'Create my account'}
        </button>
        <p className="muted small">
          Already have an account? <Link to={slug ? `/sign-in?practice=${encodeURIComponent(slug)}` : '/sign-in'}>Sign in</Link>
        </p>
      </form>
    </AuthFrame>
  );
}

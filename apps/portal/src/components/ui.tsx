// The portal's building blocks: page headers, cards, badges, loading and error states, form fields.
import { Component, ReactNode, useCallback, useEffect, useId, useLayoutEffect, useState } from 'react';
import { ApiError, FieldError } from '../api/client';
import type { Resource } from '../api/use-resource';
import { initials } from '../format';

const APP_NAME = 'Coaching portal';
const titled = (page: string) => (page ? `${page} · ${APP_NAME}` : APP_NAME);

/** The browser tab's title while a page shows; its header's own title, once loaded, refines it. */
export function DocumentTitle({ title, children }: { title: string; children?: ReactNode }) {
  // A layout effect runs before the header's passive one, so the more specific title wins.
  useLayoutEffect(() => {
    document.title = titled(title);
  }, [title]);
  return <>{children}</>;
}

export function PageHeader({ title, subtitle, actions, back, docTitle }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; back?: ReactNode; docTitle?: string }) {
  const tab = docTitle ?? (typeof title === 'string' ? title : null);
  useEffect(() => {
    if (tab) document.title = titled(tab);
  }, [tab]);
  return (
    <header className="page-header">
      {back && <div className="page-back">{back}</div>}
      <div className="page-header-row">
        <div>
          <h1 tabIndex={-1} id="page-title">
            {title}
          </h1>
          {subtitle && <p className="page-subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
    </header>
  );
}

export function Card({ title, actions, children, className, id, headingLevel = 2 }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={`card ${className ?? ''}`} id={id} aria-label={typeof title === 'string' ? title : undefined}>
      {(title || actions) && (
        <div className="card-header">
          {title && <H className="card-title">{title}</H>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export type Tone = 'neutral' | 'info' | 'good' | 'warn' | 'bad' | 'accent';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}

export function ErrorMessage({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div className="alert alert-error" role="alert">
      <strong>{notFound ? 'Not found' : 'Something went wrong'}</strong>
      <p>{notFound ? 'This page does not exist, or you do not have access to it.' : error.message}</p>
      {onRetry && !notFound && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Renders a resource: a spinner while it first loads, the error with a retry, then the content. */
export function Async<T>({ resource, label, children }: { resource: Resource<T>; label?: string; children: (data: T) => ReactNode }) {
  if (resource.error && resource.data === undefined) return <ErrorMessage error={resource.error} onRetry={() => void resource.reload()} />;
  if (resource.data === undefined) return <Spinner label={label ?? 'Loading'} />;
  return <>{children(resource.data)}</>;
}

export function Empty({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <p>{children}</p>
      {action}
    </div>
  );
}

export function ProgressBar({ value, label, size = 'normal', showValue = true }: { value: number; label: string; size?: 'normal' | 'small'; showValue?: boolean }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className={`progress progress-${size}`}>
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      {showValue && <span className="progress-value">{pct}%</span>}
    </div>
  );
}

export function Avatar({ name }: { name: string }) {
  return (
    <span className="avatar" aria-hidden="true">
      {initials(name)}
    </span>
  );
}

/** Busy state and errors of a form submission; field errors keyed by the API's errors[].path. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await action();
      return true;
    } catch (e) {
      if (e instanceof ApiError) {
        setFields(Object.fromEntries(e.fieldErrors.map((f: FieldError) => [f.path, f.message])));
        setError(e.message);
      } else setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, fields, run, setError };
}

export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {error}
    </div>
  );
}

type FieldProps = {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
  className?: string;
};

/** A labelled control with an optional hint and error, wired for screen readers. */
export function Field({ label, hint, error, children, className }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${error ? 'field-invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled choice that may be left empty ("No goal", "No metric"): value '' means none. */
export function OptionalSelect({ label, none, value, onChange, options, error }: { label: string; none: string; value: string; onChange: (value: string) => void; options: { id: string; label: string }[]; error?: string }) {
  return (
    <Field label={label} error={error}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{none}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A secret shown once (an API key, a webhook secret, an invitation link), with a copy button. */
export function OneTimeSecret({ label, value, note }: { label: string; value: string; note: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret" role="status">
      <p className="secret-label">{label}</p>
      <div className="secret-row">
        <code className="secret-value">{value}</code>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="field-hint">{note}</p>
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

/** A table that scrolls sideways inside its card on a phone; focusable so the keyboard can scroll it. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/**
 * Catches a page whose code could not be fetched (offline, or a release replaced it since this tab
 * opened) and offers to reload, instead of a blank portal.
 */
export class PageLoadBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="alert alert-error" role="alert">
        <strong>This page could not be opened</strong>
        <p>The connection may have dropped, or the portal was updated. Reload to get the latest version.</p>
        <button type="button" className="btn btn-small" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}

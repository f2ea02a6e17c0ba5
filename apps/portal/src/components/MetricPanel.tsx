// One measurable outcome: where it stands, its chart over time and, when allowed, a way to log a value.
import { FormEvent, useState } from 'react';
import { all, api, call } from '../api/client';
import { useResource } from '../api/use-resource';
import type { Metric } from '../api/types';
import { isoToZoned, num, zonedToIso } from '../format';
import { LineChart } from './LineChart';
import { Field, FormError, ProgressBar, Spinner, useSubmit } from './ui';

interface Props {
  metric: Metric;
  timezone: string;
  /** Shows the form to log a measurement. */
  canLog?: boolean;
  onLogged?: () => void;
}

export function MetricPanel({ metric, timezone, canLog, onLogged }: Props) {
  const series = useResource(['metric-measurements', metric.id, metric.current], () =>
    all((cursor) => call(api.GET('/v1/metrics/{id}/measurements', { params: { path: { id: metric.id }, query: { limit: 100, cursor } } }))),
  );
  return (
    <div className="metric" role="group" aria-label={metric.name}>
      <div className="metric-head">
        <div>
          <h4 className="metric-name">{metric.name}</h4>
          <p className="muted small">
            From {num(metric.baseline, metric.unit)} to {num(metric.target, metric.unit)} · now <strong>{num(metric.current, metric.unit)}</strong>
          </p>
        </div>
        <div className="metric-progress">
          <ProgressBar value={metric.progress} label={`${metric.name} progress`} size="small" />
        </div>
      </div>
      {series.error && !series.data ? (
        <p className="muted small">The measurements could not be loaded.</p>
      ) : !series.data ? (
        <Spinner label="Loading measurements" />
      ) : (
        <LineChart
          title={metric.name}
          points={series.data.map((m) => ({ at: m.recordedAt, value: m.value }))}
          baseline={metric.baseline}
          target={metric.target}
          unit={metric.unit}
          timezone={timezone}
        />
      )}
      {canLog && (
        <details className="disclosure">
          <summary>Log a measurement</summary>
          <LogMeasurement
            metric={metric}
            timezone={timezone}
            onLogged={() => {
              void series.reload();
              onLogged?.();
            }}
          />
        </details>
      )}
    </div>
  );
}

function LogMeasurement({ metric, timezone, onLogged }: { metric: Metric; timezone: string; onLogged: () => void }) {
  const [value, setValue] = useState('');
  const [when, setWhen] = useState(() => isoToZoned(new Date().toISOString(), timezone));
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v = Number(value.replace(',', '.'));
    if (value.trim() === '' || !Number.isFinite(v)) {
      form.setError('Enter a number.');
      return;
    }
    const ok = await form.run(() =>
      call(api.POST('/v1/metrics/{id}/measurements', { params: { path: { id: metric.id } }, body: { value: v, recordedAt: zonedToIso(when, timezone), ...(note.trim() ? { note: note.trim() } : {}) } })),
    );
    if (ok) {
      setDone(`Logged ${num(v, metric.unit)}.`);
      setValue('');
      setNote('');
      onLogged();
    }
  };
  return (
    <form className="inline-form log-form" onSubmit={submit} aria-label={`Log ${metric.name}`}>
      <Field label={`${metric.name} (${metric.unit})`} error={form.fields.value}>
        {(p) => <input {...p} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} required />}
      </Field>
      <Field label="Measured on" error={form.fields.recordedAt}>
        {(p) => <input {...p} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required />}
      </Field>
      <Field label="Note (optional)" className="grow">
        {(p) => <input {...p} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />}
      </Field>
      <button className="btn btn-primary" disabled={form.busy}>
        {form.busy ? 'Saving…' : 'Log measurement'}
      </button>
      <FormError error={form.error} />
      {done && (
        <p className="field-success" role="status">
          {done}
        </p>
      )}
    </form>
  );
}

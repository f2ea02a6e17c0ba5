// One measurable outcome: where it stands, its chart over time and, when allowed, a way to log a value.
import { FormEvent, useState } from 'react';
import { all, api, call } from '../api/client';
import { useResource } from '../api/use-resource';
import { useMe } from '../api/auth';
import type { Measurement, Metric } from '../api/types';
import { dateTime, isoToZoned, metricLabel, num, zonedToIso } from '../format';
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
          <h4 className="metric-name">{metricLabel(metric.name, metric.unit)}</h4>
          <p className="muted small">
            From {num(metric.baseline, metric.unit)} to {num(metric.target, metric.unit)} · now <strong>{num(metric.current, metric.unit)}</strong>
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
      {series.data && series.data.length > 0 && (
        <details className="disclosure">
          <summary>{`Measurements (${series.data.length})`}</summary>
          <MeasurementList
            metric={metric}
            measurements={series.data}
            timezone={timezone}
            onChanged={() => {
              void series.reload();
              onLogged?.();
            }}
          />
        </details>
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
      <Field label={metricLabel(metric.name, metric.unit)} error={form.fields.value}>
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

/** Every measurement, newest first; a wrong one can be corrected or deleted (a client only those they logged). */
function MeasurementList({ metric, measurements, timezone, onChanged }: { metric: Metric; measurements: Measurement[]; timezone: string; onChanged: () => void }) {
  const me = useMe();
  const mayChange = (m: Measurement) => me.role !== 'client' || m.recordedById === me.id;
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const form = useSubmit();
  const remove = async (m: Measurement) => {
    const ok = await form.run(() => call(api.DELETE('/v1/measurements/{id}', { params: { path: { id: m.id } } })));
    if (ok) {
      setDeleting(null);
      onChanged();
    }
  };
  return (
    <>
      <FormError error={form.error} />
      <ul className="list measurements" aria-label={`${metric.name} measurements`}>
        {[...measurements].reverse().map((m) => (
          <li key={m.id} className="measurement">
            {editing === m.id ? (
              <CorrectMeasurement
                metric={metric}
                measurement={m}
                timezone={timezone}
                onDone={(changed) => {
                  setEditing(null);
                  if (changed) onChanged();
                }}
              />
            ) : (
              <div className="measurement-row">
                <span className="list-main">
                  <span className="list-title">{num(m.value, metric.unit)}</span>
                  <span className="list-sub">
                    <time dateTime={m.recordedAt}>{dateTime(m.recordedAt, timezone)}</time>
                    {m.note && <span className="sep-item">{m.note}</span>}
                  </span>
                </span>
                {mayChange(m) &&
                  (deleting === m.id ? (
                    <span className="row-actions" role="group" aria-label="Confirm deletion">
                      <span className="small">Delete {num(m.value, metric.unit)}?</span>
                      <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(m)} disabled={form.busy}>
                        Delete
                      </button>
                      <button type="button" className="btn btn-small btn-ghost" onClick={() => setDeleting(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <span className="row-actions">
                      <button type="button" className="btn btn-small" onClick={() => setEditing(m.id)} aria-label={`Correct ${num(m.value, metric.unit)} of ${dateTime(m.recordedAt, timezone)}`}>
                        Correct
                      </button>
                      <button type="button" className="btn btn-small btn-ghost" onClick={() => setDeleting(m.id)} aria-label={`Delete ${num(m.value, metric.unit)} of ${dateTime(m.recordedAt, timezone)}`}>
                        Delete
                      </button>
                    </span>
                  ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function CorrectMeasurement({ metric, measurement, timezone, onDone }: { metric: Metric; measurement: Measurement; timezone: string; onDone: (changed: boolean) => void }) {
  const [value, setValue] = useState(String(measurement.value));
  const [when, setWhen] = useState(() => isoToZoned(measurement.recordedAt, timezone));
  const [note, setNote] = useState(measurement.note ?? '');
  const form = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v = Number(value.replace(',', '.'));
    if (value.trim() === '' || !Number.isFinite(v)) {
      form.setError('Enter a number.');
      return;
    }
    const ok = await form.run(() =>
      call(api.PATCH('/v1/measurements/{id}', { params: { path: { id: measurement.id } }, body: { value: v, recordedAt: zonedToIso(when, timezone), note: note.trim() ? note.trim() : null } })),
    );
    if (ok) onDone(true);
  };
  return (
    <form className="inline-form log-form" onSubmit={submit} aria-label={`Correct the ${metric.name} measurement`}>
      <Field label={metricLabel(metric.name, metric.unit)} error={form.fields.value}>
        {(p) => <input {...p} inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} required />}
      </Field>
      <Field label="Measured on" error={form.fields.recordedAt}>
        {(p) => <input {...p} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required />}
      </Field>
      <Field label="Note (optional)" className="grow" error={form.fields.note}>
        {(p) => <input {...p} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />}
      </Field>
      <button className="btn btn-primary" disabled={form.busy}>
        {form.busy ? 'Saving…' : 'Save correction'}
      </button>
      <button type="button" className="btn btn-ghost" onClick={() => onDone(false)}>
        Cancel
      </button>
      <FormError error={form.error} />
    </form>
  );
}

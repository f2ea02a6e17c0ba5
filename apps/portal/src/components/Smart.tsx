// A goal's SMART terms in full, and the checklist of which parts are there.
import type { Goal } from '../api/types';
import { calendarDate, SMART_PARTS } from '../format';

type Terms = Pick<Goal, 'specific' | 'measurable' | 'achievable' | 'relevant' | 'targetDate'>;

export function SmartChecklist({ missing }: { missing: string[] }) {
  return (
    <ul className="smart-checklist" aria-label="SMART completeness">
      {SMART_PARTS.map((p) => {
        const ok = !missing.includes(p.key);
        return (
          <li key={p.key} className={ok ? 'smart-ok' : 'smart-missing'} title={`${p.label}: ${ok ? 'complete' : 'missing'}`}>
            <span aria-hidden="true">{p.letter}</span>
            <span className="sr-only">
              {p.label} {ok ? 'complete' : 'missing'}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function SmartTerms({ goal, metricsNote }: { goal: Terms; metricsNote?: string }) {
  return (
    <dl className="smart-terms">
      {SMART_PARTS.map((p) => {
        const v = p.key === 'targetDate' ? calendarDate(goal.targetDate) : goal[p.key];
        return (
          <div key={p.key} className="smart-term">
            <dt>
              <span className="smart-letter" aria-hidden="true">
                {p.letter}
              </span>
              {p.label}
            </dt>
            <dd>{v || (p.key === 'measurable' && metricsNote) || <span className="muted">Not set</span>}</dd>
          </div>
        );
      })}
    </dl>
  );
}

/**
 * Next to a disabled "Propose" button: which SMART parts are still missing, as the API's 409 names
 * them, so the reason is on the screen, not only in a tooltip.
 */
export function SmartMissingNote({ id, missing }: { id: string; missing: string[] }) {
  if (!missing.length) return null;
  const names = SMART_PARTS.filter((p) => missing.includes(p.key)).map((p) => p.label);
  return (
    <p className="smart-missing small" id={id}>
      To propose it, add: {names.join(', ')}.
    </p>
  );
}

import { useMe } from '../../api/auth';
import { all, api, call } from '../../api/client';
import { listEngagements, mapLimit } from '../../api/queries';
import type { Win } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { Async, Card, Empty, PageHeader } from '../../components/ui';
import { day, fromTo, num } from '../../format';

const ICON: Record<Win['kind'], string> = { milestone_done: '✓', measurement_improved: '↗', goal_achieved: '★', objective_met: '◎' };
const KIND: Record<Win['kind'], string> = { milestone_done: 'Milestone done', measurement_improved: 'Measurement moved toward target', goal_achieved: 'Goal achieved', objective_met: 'Session objective met' };

function describe(w: Win): string {
  if (w.kind === 'measurement_improved' && w.value !== undefined) {
    return `${w.metricName ?? w.title}: ${w.previous !== undefined ? fromTo(w.previous, w.value, w.unit) : num(w.value, w.unit)}${w.target !== undefined ? ` (target ${num(w.target)})` : ''}`;
  }
  return w.title;
}

export function WinList({ wins, timezone }: { wins: Win[]; timezone: string }) {
  if (!wins.length) return <Empty>Your wins will show here: milestones done, measurements moving toward target, objectives met and goals achieved.</Empty>;
  return (
    <ol className="timeline wins">
      {wins.map((w) => (
        <li key={`${w.kind}-${w.entityId}-${w.at}`} className={`win win-${w.kind}`}>
          <span className="win-icon" aria-hidden="true">
            {ICON[w.kind]}
          </span>
          <div>
            <div className="timeline-title">{describe(w)}</div>
            <div className="muted small">
              {KIND[w.kind]}
              {w.goalTitle && w.kind !== 'goal_achieved' ? ` · ${w.goalTitle}` : ''} · {day(w.at, timezone)}
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}

export function WinsPage() {
  const me = useMe();
  const wins = useResource(['client-wins'], async () => {
    const engagements = await listEngagements();
    const lists = await mapLimit(engagements, 4, (e) => all((cursor) => call(api.GET('/v1/engagements/{id}/wins', { params: { path: { id: e.id }, query: { limit: 100, cursor } } }))));
    return lists.flat().sort((a, b) => b.at.localeCompare(a.at));
  });
  return (
    <>
      <PageHeader title="Wins" subtitle="Small steps add up. Everything you have achieved, newest first." />
      <Card>
        <Async resource={wins} label="Loading wins">
          {(list) => <WinList wins={list} timezone={me.timezone} />}
        </Async>
      </Card>
    </>
  );
}

// A form's score history as an SVG line chart with its bands shaded (PHQ-9: minimal … severe).
import type { ScoreSeries } from '../api/types';
import { day, num, shortDay } from '../format';
import { useWidth } from './LineChart';

const PAD = { top: 12, right: 112, bottom: 28, left: 36 };
// Light to dark: the higher a band, the deeper its shade (higher scores mean more symptoms on the built-ins).
const SHADES = ['band-0', 'band-1', 'band-2', 'band-3', 'band-4', 'band-5'];

export function ScoreChart({ series, timezone }: { series: ScoreSeries; timezone: string }) {
  const [ref, W] = useWidth<HTMLElement>();
  const H = W < 420 ? 200 : 220;
  const points = [...series.points].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  const bands = [...series.bands].sort((a, b) => a.min - b.min);
  const values = points.map((p) => p.score);
  let lo = Math.min(...values, ...(bands.length ? [bands[0].min] : []));
  let hi = Math.max(...values, ...(bands.length ? [bands[bands.length - 1].max] : []));
  if (!bands.length) {
    const pad = (hi - lo || 1) * 0.1;
    lo -= pad;
    hi += pad;
  }
  if (lo === hi) hi = lo + 1;
  const times = points.map((p) => new Date(p.submittedAt).getTime());
  const t0 = times[0] ?? Date.now();
  const t1 = times.length > 1 ? times[times.length - 1] : t0 + 86_400_000;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const latest = points[points.length - 1];
  const summary = latest
    ? `${series.formTitle}: ${points.length} response${points.length === 1 ? '' : 's'}, latest score ${num(latest.score)}${latest.band ? ` (${latest.band})` : ''}.`
    : `${series.formTitle}: no responses yet.`;
  // Bands sit on whole scores (0–4, 5–9): each is shaded from half a point below to half a point above.
  const edge = (v: number, up: boolean) => Math.max(lo, Math.min(hi, v + (up ? 0.5 : -0.5)));

  return (
    <figure className="chart score-chart" data-points={points.length} ref={ref}>
      <figcaption className="chart-caption">{series.formTitle}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        <title>{summary}</title>
        {bands.map((b, i) => (
          <g key={b.label} className={`chart-band ${SHADES[Math.min(i, SHADES.length - 1)]}`} data-band={b.label}>
            <rect x={PAD.left} width={W - PAD.left - PAD.right} y={y(edge(b.max, true))} height={Math.max(0, y(edge(b.min, false)) - y(edge(b.max, true)))} />
            <text x={W - PAD.right + 6} y={(y(edge(b.max, true)) + y(edge(b.min, false))) / 2 + 4}>
              {b.label}
            </text>
          </g>
        ))}
        {[lo, hi].map((v) => (
          <text key={v} className="chart-grid" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
            {num(Math.round(v * 10) / 10)}
          </text>
        ))}
        {points.length > 1 && <path className="chart-line" d={path} />}
        {points.map((p, i) => (
          <circle key={p.responseId} className="chart-dot" cx={x(times[i])} cy={y(p.score)} r={i === points.length - 1 ? 5 : 3.5}>
            <title>{`${shortDay(p.submittedAt, timezone)}: ${num(p.score)}${p.band ? ` (${p.band})` : ''}`}</title>
          </circle>
        ))}
        {points.length > 0 && (
          <g className="chart-axis">
            <text x={x(t0)} y={H - 8} textAnchor="start">
              {shortDay(points[0].submittedAt, timezone)}
            </text>
            {points.length > 1 && (
              <text x={x(t1)} y={H - 8} textAnchor="end">
                {shortDay(latest!.submittedAt, timezone)}
              </text>
            )}
          </g>
        )}
      </svg>
      {points.length > 0 && (
        <div className="sr-only">
          <table>
            <caption>{`${series.formTitle}: scores`}</caption>
            <thead>
              <tr>
                <th scope="col">Answered on</th>
                <th scope="col">Score</th>
                <th scope="col">Band</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.responseId}>
                  <td>{day(p.submittedAt, timezone)}</td>
                  <td>{num(p.score)}</td>
                  <td>{p.band ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}

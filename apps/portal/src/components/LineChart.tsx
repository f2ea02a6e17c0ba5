// A measurement series over time as an SVG line chart, with the baseline and the target drawn in.
import { RefObject, useLayoutEffect, useRef, useState } from 'react';
import { day, num, shortDay } from '../format';

export interface ChartPoint {
  at: string;
  value: number;
}

interface Props {
  title: string;
  points: ChartPoint[];
  baseline: number;
  target: number;
  unit: string;
  timezone: string;
}

// The drawing is as many units wide as the figure is pixels, so its labels keep their CSS size on a
// phone instead of shrinking with the whole picture.
const DEFAULT_W = 560;
const MIN_W = 240;
const PAD = { top: 16, right: 56, bottom: 28, left: 44 };

/** The element's width in CSS pixels, followed as it changes. */
export function useWidth<E extends HTMLElement>(): [RefObject<E | null>, number] {
  const ref = useRef<E | null>(null);
  const [width, setWidth] = useState(DEFAULT_W);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const w = Math.round(el.getBoundingClientRect().width);
      if (w > 0) setWidth(Math.max(MIN_W, w));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

function ticks(min: number, max: number, count = 4): number[] {
  const span = max - min || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step / 1000; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

export function LineChart({ title, points, baseline, target, unit, timezone }: Props) {
  const [ref, W] = useWidth<HTMLElement>();
  const H = W < 420 ? 180 : 200;
  const sorted = [...points].sort((a, b) => a.at.localeCompare(b.at));
  const values = [...sorted.map((p) => p.value), baseline, target];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  lo -= pad;
  hi += pad;
  const times = sorted.map((p) => new Date(p.at).getTime());
  const t0 = times[0] ?? Date.now();
  const t1 = times.length > 1 ? times[times.length - 1] : t0 + 86_400_000;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const path = sorted.map((p, i) => `${i ? 'L' : 'M'}${x(times[i]).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const latest = sorted[sorted.length - 1];
  // A reference label sits right of the plot; when the last point is level with it, the label moves
  // off the point's height (above or below its line), so neither covers the other.
  const refLabelY = (v: number) => {
    const at = y(v);
    if (!latest) return at + 4;
    const dot = y(latest.value);
    if (Math.abs(dot - at) >= 12) return at + 4;
    return dot >= at ? at - 6 : at + 14;
  };
  const summary = latest
    ? `${title}: ${sorted.length} measurement${sorted.length === 1 ? '' : 's'}, latest ${num(latest.value, unit)}, baseline ${num(baseline, unit)}, target ${num(target, unit)}.`
    : `${title}: no measurements yet. Baseline ${num(baseline, unit)}, target ${num(target, unit)}.`;

  return (
    <figure className="chart" data-points={sorted.length} ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        <title>{summary}</title>
        {ticks(lo, hi).map((v) => (
          <g key={v} className="chart-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {num(v)}
            </text>
          </g>
        ))}
        <g className="chart-ref chart-baseline">
          <line x1={PAD.left} x2={W - PAD.right} y1={y(baseline)} y2={y(baseline)} />
          <text x={W - PAD.right + 9} y={refLabelY(baseline)}>
            start
          </text>
        </g>
        <g className="chart-ref chart-target">
          <line x1={PAD.left} x2={W - PAD.right} y1={y(target)} y2={y(target)} />
          <text x={W - PAD.right + 9} y={refLabelY(target)}>
            target
          </text>
        </g>
        {sorted.length > 1 && <path className="chart-line" d={path} />}
        {sorted.map((p, i) => (
          <circle key={`${p.at}-${i}`} className="chart-dot" cx={x(times[i])} cy={y(p.value)} r={i === sorted.length - 1 ? 5 : 3.5}>
            <title>{`${shortDay(p.at, timezone)}: ${num(p.value, unit)}`}</title>
          </circle>
        ))}
        {sorted.length > 0 && (
          <g className="chart-axis">
            <text x={x(t0)} y={H - 8} textAnchor="start">
              {shortDay(sorted[0].at, timezone)}
            </text>
            {sorted.length > 1 && (
              <text x={x(t1)} y={H - 8} textAnchor="end">
                {shortDay(latest!.at, timezone)}
              </text>
            )}
          </g>
        )}
        {sorted.length === 0 && (
          <text x={W / 2} y={H / 2} textAnchor="middle" className="chart-empty">
            No measurements yet
          </text>
        )}
      </svg>
      {/* The drawing's text equivalent: every point, for screen readers (the summary above gives the gist). */}
      {sorted.length > 0 && (
        // In a clipped box: a table would otherwise keep its full width and widen a phone's page.
        <div className="sr-only">
          <table>
            <caption>{`${title}: measurements (baseline ${num(baseline, unit)}, target ${num(target, unit)})`}</caption>
            <thead>
              <tr>
                <th scope="col">Measured on</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((p, i) => (
                <tr key={`${p.at}-${i}`}>
                  <td>{day(p.at, timezone)}</td>
                  <td>{num(p.value, unit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}

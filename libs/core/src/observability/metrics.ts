import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** A periodic pass (review cadence, nudges) that failed for one practice; the pass went on with the others. */
export const periodicPassFailures = new Counter({
  name: 'periodic_pass_practice_failures_total',
  help: 'Practices whose periodic pass failed, by job',
  labelNames: ['job'],
  registers: [metricsRegistry],
});

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Times a request, labelled by route pattern (never by raw URL: ids would explode the series). */
export function observeHttpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
  httpDuration.observe({ method, route: route ?? 'unmatched', status: String(status) }, seconds);
}

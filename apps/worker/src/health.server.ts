// The worker's only HTTP surface: liveness, readiness and metrics for orchestrators and Prometheus,
// on plain node:http so the worker carries no web framework.
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { CrossPracticeDb } from '@app/database';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '@app/core/observability/metrics';
import type { RedisClient } from '@app/core/redis/redis-client';

export interface HealthServerDeps {
  port: number;
  dataSource: DataSource;
  /** The due backlog, a count across practices, comes through the reviewed door. */
  crossPractice: CrossPracticeDb;
  redis: RedisClient;
}

export interface HealthServer {
  /** The bound port (differs from the configured one when that was 0). */
  readonly port: number;
  close(): Promise<void>;
}

type Check = 'up' | 'down';

const CHECK_TIMEOUT_MS = 1000;

/** The backlog is counted up to this many rows per kind: enough to alert on, cheap to read. */
export const BACKLOG_CAP = 10_000;

// Set at scrape time from PostgreSQL (the source of truth), not from Redis: what is due and waiting.
const dueBacklog = new Gauge({
  name: 'delivery_due_backlog',
  help: `Rows due and not yet handed out to a queue, by queue (notifications, webhooks), counted up to ${BACKLOG_CAP}`,
  labelNames: ['queue'],
  registers: [metricsRegistry],
});

async function readBacklog(crossPractice: CrossPracticeDb): Promise<void> {
  const rows = await crossPractice.dueBacklog(BACKLOG_CAP);
  for (const r of rows) dueBacklog.set({ queue: r.queue }, r.due);
}

/** Serves GET /health/live, /health/ready and /metrics; everything else is 404. */
export async function startHealthServer(deps: HealthServerDeps): Promise<HealthServer> {
  const server = createServer((req, res) => {
    route(deps, req, res).catch(() => send(res, 500, 'application/json', JSON.stringify({ status: 'error' })));
  });
  // Probes are short; never let an idle connection hold the shutdown up.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

async function route(deps: HealthServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET') return send(res, 404, 'application/json', JSON.stringify({ status: 'not-found' }));
  switch (path) {
    case '/health/live':
      return send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    case '/health/ready': {
      const [postgres, redis] = await Promise.all([
        probe(deps.dataSource.query('SELECT 1')),
        probe(deps.redis.ping()),
      ]);
      const ok = postgres === 'up' && redis === 'up';
      return send(res, ok ? 200 : 503, 'application/json', JSON.stringify({ status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } }));
    }
    case '/metrics':
      // A database that does not answer leaves the last values: the scrape itself still succeeds.
      await probe(readBacklog(deps.crossPractice));
      return send(res, 200, metricsRegistry.contentType, await metricsRegistry.metrics());
    default:
      return send(res, 404, 'application/json', JSON.stringify({ status: 'not-found' }));
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

// A dependency that hangs is as down as one that refuses: answer within the probe's deadline.
function probe(work: Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).then(
    () => 'up' as const,
    () => 'down' as const,
  ).finally(() => clearTimeout(timer));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

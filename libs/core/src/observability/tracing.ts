// OpenTelemetry traces: started by each process's first import when OTEL_EXPORTER_OTLP_ENDPOINT is set,
// and nothing at all otherwise (no SDK loaded, no instrumentation registered, helpers call straight through).
import { type Attributes, context, type Context, INVALID_SPAN_CONTEXT, type Link, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AppConfig } from '@app/config';

/** Paths never traced: probes and scrapes, several a second, would drown the traces worth reading. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

let provider: { shutdown(): Promise<void> } | undefined;
let suppress: ((ctx: Context) => Context) | undefined;
let routeOf: ((ctx: Context) => { route?: string } | undefined) | undefined;

/** The platform's tracer: a no-op until startTracing registers the SDK. */
const tracer = trace.getTracer('coaching-platform');

const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Whether this process records traces. */
export const tracingEnabled = (): boolean => provider !== undefined;

/**
 * Registers the SDK (W3C trace context, OTLP/HTTP JSON export, batched) and the HTTP, pg and ioredis
 * instrumentations. Must run before those modules are first required, hence each main.ts's first import.
 * Does nothing when tracing is not configured, or when the configuration is invalid (main.ts reports that).
 */
export function startTracing(config: AppConfig, serviceName: string): void {
  const t = config.tracing;
  if (!t || provider) return;
  /* eslint-disable @typescript-eslint/no-require-imports */
  // Required here, not imported: a process without an endpoint never loads any of it.
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const core = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const sdk = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis');
  /* eslint-enable @typescript-eslint/no-require-imports */

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  const tracerProvider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': t.serviceName ?? serviceName, 'deployment.environment.name': config.env }),
    // A caller's sampling decision is kept; new traces are recorded at the configured ratio.
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(t.sampleRatio) }),
    // Exported within a second or so: a trace is there to read while the incident is on.
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: t.tracesUrl, headers: t.headers }), scheduledDelayMillis: 1000 })],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  registerInstrumentations({
    tracerProvider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
        // The only outgoing HTTP is the span export itself (webhooks go through fetch, traced by hand).
        disableOutgoingRequestInstrumentation: true,
      }),
      // Statements only inside a traced operation (not the pool's idle chatter), and never their parameter values.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      // BullMQ's blocking polls run outside any operation: untraced, as requireParentSpan leaves them.
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  suppress = core.suppressTracing;
  routeOf = (ctx) => core.getRPCMetadata(ctx);
  provider = tracerProvider;
}

/** Exports what is still buffered; main.ts awaits it before the process exits. */
export async function stopTracing(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
}

/** Names the current HTTP server span by its route pattern (`POST /v1/engagements/:id/sessions`), never by the raw path. */
export function setHttpRoute(route: string | undefined): void {
  const md = routeOf?.(context.active());
  if (md && route) md.route = route;
}

/** The active span as a W3C traceparent, to be stored with work done later; null when nothing is traced. */
export function currentTraceParent(): string | null {
  if (!provider) return null;
  const sc = trace.getSpanContext(context.active());
  if (!sc || !trace.isSpanContextValid(sc)) return null;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The context a stored traceparent names, as a remote parent; undefined when there is none or it is malformed. */
export function storedContext(traceParent: string | null | undefined): Context | undefined {
  const m = traceParent ? TRACEPARENT.exec(traceParent) : null;
  if (!m) return undefined;
  const sc = { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16) & 1, isRemote: true };
  return trace.isSpanContextValid(sc) ? trace.setSpanContext(ROOT_CONTEXT, sc) : undefined;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /**
   * Continue the trace this traceparent names (stored with a row by the request that planned the work),
   * linked to the span running now; without one, the span is a child of the span running now.
   */
  traceParent?: string | null;
}

/** Runs fn in a span (ended when fn settles, an error recorded on it); just fn when tracing is off. */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!provider) return fn(NO_SPAN);
  const active = context.active();
  const stored = storedContext(options.traceParent);
  const current = trace.getSpanContext(active);
  const links: Link[] = stored && current && trace.isSpanContextValid(current) ? [{ context: current }] : [];
  const parent = stored ?? active;
  const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs fn with tracing suppressed: a periodic pass (once a second) is not a trace of its own; only the
 * work it does for a traced request is, in that request's trace (see inSpan's traceParent).
 */
export function untraced<T>(fn: () => Promise<T>): Promise<T> {
  return suppress ? context.with(suppress(context.active()), fn) : fn();
}

export { SpanKind, SpanStatusCode };

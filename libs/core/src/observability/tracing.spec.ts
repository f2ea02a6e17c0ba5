import { context, trace } from '@opentelemetry/api';
import { currentTraceParent, inSpan, storedContext, tracingEnabled, untraced } from './tracing';

describe('tracing, when not started (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('is off and stores no trace context', () => {
    expect(tracingEnabled()).toBe(false);
    expect(currentTraceParent()).toBeNull();
  });

  it('runs the work of a span directly, with its result or its error', async () => {
    await expect(inSpan('x', { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, async () => 42)).resolves.toBe(42);
    await expect(inSpan('x', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(untraced(async () => 'done')).resolves.toBe('done');
  });
});

describe('storedContext', () => {
  it('reads a W3C traceparent as a remote parent, keeping its sampled flag', () => {
    const sc = trace.getSpanContext(storedContext('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')!);
    expect(sc).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(trace.getSpanContext(storedContext('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00')!)?.traceFlags).toBe(0);
  });

  it('ignores what is missing, malformed or all zeros (a span of its own then)', () => {
    for (const bad of [null, undefined, '', 'garbage', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '00-00000000000000000000000000000000-b7ad6b7169203331-01', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01', '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01']) {
      expect(storedContext(bad)).toBeUndefined();
    }
    expect(context.active()).toBeDefined();
  });
});

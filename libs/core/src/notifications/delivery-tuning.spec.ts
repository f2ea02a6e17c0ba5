import { AppConfig } from '@app/config';
import { DeliveryTuning } from './delivery-tuning';

const tuning = (lease?: string) => new DeliveryTuning(AppConfig.from({ JWT_SECRET: 'x'.repeat(32), DELIVERY_LEASE_SECONDS: lease }));

describe('DeliveryTuning', () => {
  it('gives up on a stalled SMTP server well within the default lease', () => {
    const t = tuning();
    expect(t.leaseSeconds).toBe(120);
    expect(t.smtpTimeoutMs).toBe(12_000);
    // Connecting, the greeting and the five replies of a send, each waited out in full: still under the lease.
    expect(7 * t.smtpTimeoutMs).toBeLessThan(t.leaseSeconds * 1000);
  });

  it('starts a batch’s message only while a send stalled at every step still ends within the default lease', () => {
    const t = tuning();
    expect(t.sendStartWithinMs).toBe(30_000);
    expect(t.sendStartWithinMs + 7 * t.smtpTimeoutMs).toBeLessThan(t.leaseSeconds * 1000);
  });

  it('keeps each SMTP wait within 5–15 s whatever the lease', () => {
    expect(tuning('3600').smtpTimeoutMs).toBe(15_000);
    expect(tuning('3').smtpTimeoutMs).toBe(5_000);
  });

  it('plans by the system clock, or from DELIVERY_CLOCK_START on, running with it', () => {
    expect(Math.abs(tuning().now().getTime() - Date.now())).toBeLessThan(1000);
    const start = Date.parse('2031-03-29T05:00:00Z');
    const t = new DeliveryTuning(AppConfig.from({ JWT_SECRET: 'x'.repeat(32), DELIVERY_CLOCK_START: '2031-03-29T05:00:00Z' }));
    const now = t.now().getTime();
    expect(now).toBeGreaterThanOrEqual(start);
    expect(now - start).toBeLessThan(1000);
  });
});

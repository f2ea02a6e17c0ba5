import { attemptError, MAX_WEBHOOK_ATTEMPTS, retryDelaySeconds } from './deliver-webhook.job';

describe('webhook retry backoff', () => {
  it('waits base × 3^(n−1) after attempt n', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, 10))).toEqual([10, 30, 90, 270]);
    expect(retryDelaySeconds(1, 1)).toBe(1);
    expect(retryDelaySeconds(2, 1)).toBe(3);
  });

  it('spaces the 8 attempts over base × 1093 seconds in all', () => {
    // The last attempt schedules nothing, so only the first 7 failures wait.
    const waits = Array.from({ length: MAX_WEBHOOK_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1, 10));
    expect(waits).toEqual([10, 30, 90, 270, 810, 2430, 7290]);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(10 * 1093);
  });

  it('is immediate with a zero base and refuses attempt numbers below 1', () => {
    expect(retryDelaySeconds(5, 0)).toBe(0);
    expect(() => retryDelaySeconds(0, 10)).toThrow(RangeError);
    expect(() => retryDelaySeconds(1.5, 10)).toThrow(RangeError);
  });
});

describe('attempt errors as listed', () => {
  it('never carry the endpoint URL and stay short', () => {
    const url = 'https://hooks.example.com/in?token=s3cret';
    expect(attemptError(`request to ${url} failed`, url)).toBe('request to <endpoint> failed');
    expect(attemptError('fetch failed: https://hooks.example.com refused', url)).toBe('fetch failed: <endpoint> refused');
    expect(attemptError('x'.repeat(1000), url)).toHaveLength(200);
    expect(attemptError(null, url)).toBeNull();
    expect(attemptError('HTTP 500', 'not a url')).toBe('HTTP 500');
  });
});

import { ConsumerWatch } from './consumer-watch';

describe('ConsumerWatch: when a queue consumer counts as stuck', () => {
  const STALL = 20_000;

  it('work waiting past the stall time with nothing started and room to run it: stuck', () => {
    const w = new ConsumerWatch(4, STALL, 0);
    expect(w.stalled(3, 1_000)).toBe(false);
    expect(w.stalled(3, 1_000 + STALL - 1)).toBe(false);
    expect(w.stalled(3, 1_000 + STALL)).toBe(true);
  });

  it('nothing waiting is never stuck, however long it has been idle, and waiting counts again from zero', () => {
    const w = new ConsumerWatch(4, STALL, 0);
    expect(w.stalled(0, 10 * STALL)).toBe(false);
    expect(w.stalled(1, 10 * STALL)).toBe(false);
    expect(w.stalled(1, 11 * STALL - 1)).toBe(false);
    expect(w.stalled(1, 11 * STALL)).toBe(true);
  });

  it('a consumer that started a job within the stall time is working', () => {
    const w = new ConsumerWatch(4, STALL, 0);
    w.stalled(5, 0);
    w.started(STALL - 1_000);
    w.finished();
    expect(w.stalled(5, STALL)).toBe(false);
    expect(w.stalled(5, 2 * STALL - 1_000)).toBe(true);
  });

  it('a consumer running as many jobs as it may is busy, not stuck', () => {
    const w = new ConsumerWatch(2, STALL, 0);
    w.started(0);
    w.started(0);
    w.stalled(9, 0);
    expect(w.stalled(9, 5 * STALL)).toBe(false);
    w.finished();
    expect(w.stalled(9, 5 * STALL)).toBe(true);
  });

  it('a replacement gets the whole stall time', () => {
    const w = new ConsumerWatch(1, STALL, 0);
    w.stalled(1, 0);
    expect(w.stalled(1, STALL)).toBe(true);
    w.replaced(STALL);
    expect(w.stalled(1, STALL + 1)).toBe(false);
    expect(w.stalled(1, 2 * STALL)).toBe(false);
    expect(w.stalled(1, 2 * STALL + 1)).toBe(true);
  });
});

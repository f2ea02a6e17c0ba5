import type { ClaimedNotification, Outcome } from './delivery.types';
import type { NotificationSender } from './notification-sender';
import { SentMarks } from './sent-marks';

const row = (id: string) => ({ id }) as ClaimedNotification;

describe('SentMarks', () => {
  it('runs one mark statement at a time, each taking every row handed over while the one before ran', async () => {
    const statements: string[][] = [];
    let release: () => void = () => undefined;
    const sender = {
      markSent: jest.fn(async (rows: ClaimedNotification[]): Promise<Outcome[]> => {
        statements.push(rows.map((r) => r.id));
        await new Promise<void>((r) => (release = r));
        return rows.map((r) => (r.id === 'taken' ? 'superseded' : 'sent'));
      }),
    };
    const marks = new SentMarks(sender as unknown as NotificationSender);
    const first = marks.mark(row('a'));
    // Handed over by other batches while the first statement runs.
    const later = [marks.mark(row('b')), marks.mark(row('taken')), marks.mark(row('c'))];
    expect(statements).toEqual([['a']]);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(statements).toEqual([['a'], ['b', 'taken', 'c']]);
    release();
    expect(await Promise.all(later)).toEqual(['sent', 'superseded', 'sent']);
    // Idle again: the next row gets a statement of its own at once.
    const next = marks.mark(row('d'));
    expect(statements).toEqual([['a'], ['b', 'taken', 'c'], ['d']]);
    release();
    expect(await next).toBe('sent');
  });

  it('a statement that throws fails the rows waiting on it, and the next rows are marked', async () => {
    let calls = 0;
    const sender = {
      markSent: jest.fn(async (rows: ClaimedNotification[]): Promise<Outcome[]> => {
        if (calls++ === 0) throw new Error('connection lost');
        return rows.map(() => 'sent');
      }),
    };
    const marks = new SentMarks(sender as unknown as NotificationSender);
    await expect(marks.mark(row('a'))).rejects.toThrow('connection lost');
    expect(await marks.mark(row('b'))).toBe('sent');
  });
});

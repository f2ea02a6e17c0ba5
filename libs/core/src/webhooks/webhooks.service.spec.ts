import { AppConfig } from '@app/config';
import type { TenantTx } from '@app/database';
import type { AuditService } from '../audit/audit.service';
import type { DomainEvent } from '../outbox/domain-event.entity';
import type { WebhookTargets } from './webhook-targets';
import type { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

const PRACTICE = '0193aaaa-0000-7000-8000-000000000001';
const event = (type: string, n: number): DomainEvent =>
  ({ id: `0193bbbb-0000-7000-8000-00000000000${n}`, practiceId: PRACTICE, type, entityType: 'session', entityId: PRACTICE, data: {}, actorId: null, occurredAt: new Date('2031-01-01T00:00:00Z'), processedAt: null, traceParent: null }) as DomainEvent;

describe('WebhooksService.onEvent (the outbox fan-out)', () => {
  const repo = {
    subscriptions: jest.fn(async () => [
      { id: 'e1', events: ['session.scheduled', 'reminder.sent'] },
      { id: 'e2', events: ['session.scheduled'] },
    ]),
    addDeliveries: jest.fn(async (_tx: TenantTx, ids: string[]) => ids.length),
  };
  const config = AppConfig.from({ NODE_ENV: 'test', DATABASE_URL: 'postgres://x@127.0.0.1/x', JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789' });
  const service = new WebhooksService({} as never, repo as unknown as WebhooksRepository, {} as AuditService, {} as WebhookTargets, config);

  it('reads the practice subscriptions once per transaction, not once per event', async () => {
    const tx = { practiceId: PRACTICE, em: {} } as TenantTx;
    const other = { practiceId: PRACTICE, em: {} } as TenantTx;
    const counts = [];
    for (const [i, type] of ['session.scheduled', 'reminder.sent', 'reminder.sent', 'session.cancelled'].entries()) counts.push(await service.onEvent(tx, event(type, i)));
    expect(counts).toEqual([2, 1, 1, 0]);
    expect(repo.subscriptions).toHaveBeenCalledTimes(1);
    await service.onEvent(other, event('session.scheduled', 5));
    expect(repo.subscriptions).toHaveBeenCalledTimes(2);
    expect(repo.addDeliveries.mock.calls.map((c) => c[1])).toEqual([['e1', 'e2'], ['e1'], ['e1'], ['e1', 'e2']]);
  });
});

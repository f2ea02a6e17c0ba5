import { AuthContext } from '@app/common';
import { canTransition } from '../state/state-machine';
import { Session, SESSION_STATUSES } from './session.entity';
import { SESSION_TRANSITIONS } from './session-status';
import { toSessionDto } from './sessions.service';

const ctx = (role: AuthContext['role']): AuthContext => ({ practiceId: 'p', userId: 'u', role, clientId: role === 'client' ? 'c' : null, apiKeyId: null });

const session = (): Session =>
  Object.assign(new Session(), {
    id: 's', practiceId: 'p', engagementId: 'e', coachId: 'u', clientId: 'c',
    startsAt: new Date('2031-01-02T09:30:00Z'), durationMinutes: 45, endsAt: new Date('2031-01-02T10:15:00Z'),
    location: null, videoUrl: null, status: 'completed', sharedSummary: 'shared', privateNotes: 'the coach alone',
    sequence: 2, cancelReason: null, completedAt: new Date('2031-01-02T10:20:00Z'), cancelledAt: null,
    createdAt: new Date('2031-01-01T00:00:00Z'), updatedAt: new Date('2031-01-02T10:20:00Z'),
  });

describe('the session state machine', () => {
  it('leaves scheduled for completed, cancelled or no_show, and nothing leaves those', () => {
    const allowed = SESSION_STATUSES.flatMap((from) => SESSION_STATUSES.filter((to) => canTransition(SESSION_TRANSITIONS, from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual(['scheduled→completed', 'scheduled→cancelled', 'scheduled→no_show']);
  });
});

describe('toSessionDto', () => {
  it('gives the coach and the owner the private notes', () => {
    expect(toSessionDto(ctx('coach'), session()).privateNotes).toBe('the coach alone');
    expect(toSessionDto(ctx('owner'), session()).privateNotes).toBe('the coach alone');
  });

  it('leaves the key out entirely for a client', () => {
    const dto = toSessionDto(ctx('client'), session());
    expect(dto).not.toHaveProperty('privateNotes');
    expect(JSON.stringify(dto)).not.toContain('coach alone');
    expect(dto).toMatchObject({ sharedSummary: 'shared', sequence: 2, startsAt: '2031-01-02T09:30:00.000Z', endsAt: '2031-01-02T10:15:00.000Z' });
  });
});

import type { Transitions } from '../state/state-machine';
import type { SessionStatus } from './session.entity';

/** scheduled → completed | cancelled | no_show; every end state is terminal. */
export const SESSION_TRANSITIONS: Transitions<SessionStatus> = {
  scheduled: ['completed', 'cancelled', 'no_show'],
  completed: [],
  cancelled: [],
  no_show: [],
};

/** The audit action and the domain event (if any) for each status a session moves to. */
export const SESSION_TRANSITION_EFFECTS: Record<Exclude<SessionStatus, 'scheduled'>, { action: string; event: string }> = {
  completed: { action: 'complete', event: 'session.completed' },
  cancelled: { action: 'cancel', event: 'session.cancelled' },
  no_show: { action: 'no_show', event: 'session.no_show' },
};

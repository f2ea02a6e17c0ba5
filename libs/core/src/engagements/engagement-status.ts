import type { Transitions } from '../state/state-machine';

export const ENGAGEMENT_STATUSES = ['planned', 'active', 'paused', 'completed', 'cancelled'] as const;
export type EngagementStatus = (typeof ENGAGEMENT_STATUSES)[number];

/** planned → active, active ⇄ paused, active|paused → completed, cancelled from any non-terminal status. */
export const ENGAGEMENT_TRANSITIONS: Transitions<EngagementStatus> = {
  planned: ['active', 'cancelled'],
  active: ['paused', 'completed', 'cancelled'],
  paused: ['active', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

import type { Transitions } from '../state/state-machine';
import type { ReviewStatus } from './review.entity';

export { REVIEW_STATUSES, type ReviewStatus } from './review.entity';

/** open → submitted → completed; open → missed when its period ends unanswered. */
export const REVIEW_TRANSITIONS: Transitions<ReviewStatus> = {
  open: ['submitted', 'missed'],
  submitted: ['completed'],
  completed: [],
  missed: [],
};

/**
 * An open review whose due time has passed: the client is late, though the review can still be
 * answered until its period is missed. The one definition the API, the portal and the inbox read.
 */
export const isReviewOverdue = (r: { status: ReviewStatus; dueAt: Date }, now: Date = new Date()): boolean => r.status === 'open' && r.dueAt.getTime() < now.getTime();

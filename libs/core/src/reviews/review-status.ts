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

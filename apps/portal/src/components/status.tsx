// Status badges with one colour meaning across the portal.
import type { EngagementStatus, GoalStatus, ReviewStatus, SessionStatus } from '../api/types';
import { ENGAGEMENT_STATUS, GOAL_STATUS, reviewState, SESSION_STATUS } from '../format';
import { Badge, Tone } from './ui';

const GOAL_TONE: Record<GoalStatus, Tone> = { draft: 'neutral', proposed: 'warn', changes_requested: 'bad', agreed: 'info', achieved: 'good', abandoned: 'neutral' };
const SESSION_TONE: Record<SessionStatus, Tone> = { scheduled: 'info', completed: 'good', cancelled: 'neutral', no_show: 'bad' };
const REVIEW_TONE: Record<ReviewStatus, Tone> = { open: 'warn', submitted: 'accent', completed: 'good', missed: 'bad' };
const ENGAGEMENT_TONE: Record<EngagementStatus, Tone> = { planned: 'neutral', active: 'good', paused: 'warn', completed: 'info', cancelled: 'neutral' };

export const GoalStatusBadge = ({ status }: { status: GoalStatus }) => <Badge tone={GOAL_TONE[status]}>{GOAL_STATUS[status]}</Badge>;
export const SessionStatusBadge = ({ status }: { status: SessionStatus }) => <Badge tone={SESSION_TONE[status]}>{SESSION_STATUS[status]}</Badge>;
/** An open review past its due time shows Overdue, in the colour of a missed one. */
export const ReviewStatusBadge = ({ review }: { review: { status: ReviewStatus; overdue: boolean } }) => <Badge tone={review.overdue ? 'bad' : REVIEW_TONE[review.status]}>{reviewState(review)}</Badge>;
export const EngagementStatusBadge = ({ status }: { status: EngagementStatus }) => <Badge tone={ENGAGEMENT_TONE[status]}>{ENGAGEMENT_STATUS[status]}</Badge>;

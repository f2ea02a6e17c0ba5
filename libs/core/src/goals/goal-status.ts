import type { Transitions } from '../state/state-machine';

export const GOAL_STATUSES = ['draft', 'proposed', 'changes_requested', 'agreed', 'achieved', 'abandoned'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const GOAL_TRANSITIONS: Transitions<GoalStatus> = {
  draft: ['proposed', 'abandoned'],
  proposed: ['agreed', 'changes_requested', 'proposed', 'abandoned'],
  changes_requested: ['proposed', 'abandoned'],
  agreed: ['proposed', 'achieved', 'abandoned', 'draft'],
  achieved: [],
  abandoned: [],
};

/** The terms a client agrees to; changing any of them on an agreed goal makes a new version. */
export const GOAL_TERMS = ['title', 'description', 'specific', 'measurable', 'achievable', 'relevant', 'targetDate'] as const;
export type GoalTerm = (typeof GOAL_TERMS)[number];
export type GoalTerms = Record<GoalTerm, string | null>;

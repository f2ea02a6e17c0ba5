import type { Actions } from '../state/state-machine';

export const GOAL_STATUSES = ['draft', 'proposed', 'changes_requested', 'agreed', 'achieved', 'abandoned'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const GOAL_ACTION_NAMES = ['propose', 'revise', 'agree', 'request_changes', 'achieve', 'abandon', 'return_to_draft'] as const;
/** What can happen to a goal; the audit log names each change by its action. */
export type GoalAction = (typeof GOAL_ACTION_NAMES)[number];

/**
 * The goal state machine, by action: two actions may lead to the same status from different ones
 * (propose a draft, revise the terms of an agreed goal), so the table names the action, not only the target.
 */
export const GOAL_ACTIONS: Actions<GoalStatus, GoalAction> = {
  // The coach's proposal: only a draft or a goal the client asked to change.
  propose: { from: ['draft', 'changes_requested'], to: 'proposed' },
  // Editing the terms of a proposed or agreed goal: the next version, proposed again.
  revise: { from: ['proposed', 'agreed'], to: 'proposed' },
  agree: { from: ['proposed'], to: 'agreed' },
  request_changes: { from: ['proposed'], to: 'changes_requested' },
  achieve: { from: ['agreed'], to: 'achieved' },
  abandon: { from: ['draft', 'proposed', 'changes_requested', 'agreed'], to: 'abandoned' },
  // A review's "revise": back to draft for a new version.
  return_to_draft: { from: ['agreed'], to: 'draft' },
};

/** The terms a client agrees to; changing any of them on an agreed goal makes a new version. */
export const GOAL_TERMS = ['title', 'description', 'specific', 'measurable', 'achievable', 'relevant', 'targetDate'] as const;
export type GoalTerm = (typeof GOAL_TERMS)[number];
export type GoalTerms = Record<GoalTerm, string | null>;

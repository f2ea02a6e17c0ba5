// The one place forms are checked and scored: the built-in instruments as published, a practice's own
// forms (their shape, so a form that cannot be answered cannot be saved), answers, scores, bands and
// alert rules. Pure: no database, no framework, so every rule is unit-tested at its edges.
import type { FieldError } from '@app/common';

export const FORM_KINDS = ['intake', 'feedback', 'assessment', 'checkin'] as const;
export type FormKind = (typeof FORM_KINDS)[number];
export const QUESTION_TYPES = ['text', 'scale', 'choice', 'number'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const SCORING_METHODS = ['sum', 'mean'] as const;
export type ScoringMethod = (typeof SCORING_METHODS)[number];

export type OptionValue = string | number;

export interface FormOption {
  value: OptionValue;
  label: string;
  score?: number;
}

export interface FormQuestion {
  id: string;
  type: QuestionType;
  label: string;
  required?: boolean;
  min?: number;
  max?: number;
  options?: FormOption[];
}

export interface FormBand {
  min: number;
  max: number;
  label: string;
}

export interface FormAlertRule {
  questionId: string;
  atOrAbove: number;
  message: string;
}

export interface FormScoring {
  method: ScoringMethod;
  bands?: FormBand[];
  alerts?: FormAlertRule[];
}

/** What every form is, built-in or a practice's own. */
export interface FormDefinition {
  title: string;
  kind: FormKind;
  questions: FormQuestion[];
  scoring: FormScoring | null;
}

export interface Answer {
  questionId: string;
  value: string | number;
}

export interface RaisedAlert {
  questionId: string;
  message: string;
}

export interface Scored {
  /** The answers as kept: in the form's question order, unanswered optional questions left out. */
  answers: Answer[];
  score: number | null;
  band: string | null;
  alerts: RaisedAlert[];
}

export const MAX_QUESTIONS = 100;
export const MAX_OPTIONS = 50;
export const MAX_TEXT_ANSWER = 4000;
export const QUESTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

// ---------------------------------------------------------------------------------------------------
// The built-in instruments, exactly as the contract gives them.

export const BUILT_IN_FORM_IDS = ['phq-9', 'gad-7', 'wheel-of-life'] as const;
export type BuiltInFormId = (typeof BUILT_IN_FORM_IDS)[number];

const FREQUENCY: FormOption[] = [
  { value: 0, label: 'Not at all' },
  { value: 1, label: 'Several days' },
  { value: 2, label: 'More than half the days' },
  { value: 3, label: 'Nearly every day' },
];

const frequencyItem = (id: string, label: string): FormQuestion => ({ id, type: 'scale', label, required: true, min: 0, max: 3, options: FREQUENCY });

const PHQ9_ITEMS = [
  'Little interest or pleasure in doing things',
  'Feeling down, depressed, or hopeless',
  'Trouble falling or staying asleep, or sleeping too much',
  'Feeling tired or having little energy',
  'Poor appetite or overeating',
  'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
  'Trouble concentrating on things, such as reading the newspaper or watching television',
  'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
  'Thoughts that you would be better off dead or of hurting yourself in some way',
];

const GAD7_ITEMS = [
  'Feeling nervous, anxious or on edge',
  'Not being able to stop or control worrying',
  'Worrying too much about different things',
  'Trouble relaxing',
  'Being so restless that it is hard to sit still',
  'Becoming easily annoyed or irritable',
  'Feeling afraid as if something awful might happen',
];

const WHEEL_AREAS: [string, string][] = [
  ['career', 'Career'],
  ['finances', 'Finances'],
  ['health', 'Health'],
  ['family', 'Family'],
  ['relationships', 'Relationships'],
  ['growth', 'Personal growth'],
  ['fun', 'Fun and recreation'],
  ['environment', 'Physical environment'],
];

/** The alert text of PHQ-9 item 9: for the coach only, never shown to the client. */
export const PHQ9_ITEM9_ALERT = 'Item 9 (thoughts of being better off dead or of self-harm) was answered above "Not at all". Contact the client promptly and follow your safety plan.';

export const BUILT_IN_FORMS: Record<BuiltInFormId, FormDefinition> = {
  'phq-9': {
    title: 'PHQ-9 (Patient Health Questionnaire)',
    kind: 'assessment',
    questions: PHQ9_ITEMS.map((label, i) => frequencyItem(`q${i + 1}`, `Over the last 2 weeks, how often have you been bothered by: ${label}`)),
    scoring: {
      method: 'sum',
      bands: [
        { min: 0, max: 4, label: 'minimal' },
        { min: 5, max: 9, label: 'mild' },
        { min: 10, max: 14, label: 'moderate' },
        { min: 15, max: 19, label: 'moderately severe' },
        { min: 20, max: 27, label: 'severe' },
      ],
      alerts: [{ questionId: 'q9', atOrAbove: 1, message: PHQ9_ITEM9_ALERT }],
    },
  },
  'gad-7': {
    title: 'GAD-7 (Generalized Anxiety Disorder)',
    kind: 'assessment',
    questions: GAD7_ITEMS.map((label, i) => frequencyItem(`q${i + 1}`, `Over the last 2 weeks, how often have you been bothered by: ${label}`)),
    scoring: {
      method: 'sum',
      bands: [
        { min: 0, max: 4, label: 'minimal' },
        { min: 5, max: 9, label: 'mild' },
        { min: 10, max: 14, label: 'moderate' },
        { min: 15, max: 21, label: 'severe' },
      ],
    },
  },
  'wheel-of-life': {
    title: 'Wheel of Life',
    kind: 'assessment',
    questions: WHEEL_AREAS.map(([id, area]) => ({ id, type: 'scale', label: `How satisfied are you with your ${area.toLowerCase()}? (1–10)`, required: true, min: 1, max: 10 })),
    scoring: { method: 'mean' },
  },
};

export const isBuiltInFormId = (id: string): id is BuiltInFormId => (BUILT_IN_FORM_IDS as readonly string[]).includes(id);

// ---------------------------------------------------------------------------------------------------
// A practice's own form: everything the shape checks of the DTO cannot say.

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** The value a question's answer adds to the score, or null when the question is not scored. */
function scoredRange(q: FormQuestion): { min: number; max: number } | null {
  switch (q.type) {
    case 'scale':
      return finite(q.min) && finite(q.max) ? { min: q.min, max: q.max } : null;
    case 'number':
      return finite(q.min) && finite(q.max) ? { min: q.min, max: q.max } : { min: -Infinity, max: Infinity };
    case 'choice': {
      const scores = (q.options ?? []).map(optionScore).filter((s): s is number => s !== null);
      return scores.length ? { min: Math.min(...scores), max: Math.max(...scores) } : null;
    }
    case 'text':
      return null;
  }
}

/** A choice option's score: its own, else its value when that is a number; null when it scores nothing. */
function optionScore(o: FormOption): number | null {
  if (finite(o.score)) return o.score;
  return finite(o.value) ? o.value : null;
}

const isScored = (q: FormQuestion) => scoredRange(q) !== null;

/**
 * Everything that would make a form impossible to answer or to score, each as a field error: unique
 * question ids, ranges that hold a value, options to choose from, scoring with something to score,
 * bands that do not overlap, alerts on scored questions that can be met.
 */
export function validateForm(f: FormDefinition): FieldError[] {
  const errors: FieldError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  if (!f.questions.length || f.questions.length > MAX_QUESTIONS) err('questions', `questions must hold 1–${MAX_QUESTIONS} questions`);
  const ids = new Map<string, number>();
  f.questions.forEach((q, i) => {
    const at = `questions.${i}`;
    if (!QUESTION_ID.test(q.id)) err(`${at}.id`, 'id must be 1–64 letters, digits, "-" or "_"');
    else if (ids.has(q.id)) err(`${at}.id`, `id "${q.id}" is used by question ${ids.get(q.id)} too`);
    else ids.set(q.id, i);
    const hasMin = q.min !== undefined && q.min !== null;
    const hasMax = q.max !== undefined && q.max !== null;
    switch (q.type) {
      case 'text':
      case 'choice':
        if (hasMin) err(`${at}.min`, `a ${q.type} question takes no min`);
        if (hasMax) err(`${at}.max`, `a ${q.type} question takes no max`);
        break;
      case 'scale':
        if (!hasMin || !Number.isInteger(q.min)) err(`${at}.min`, 'a scale question needs an integer min');
        if (!hasMax || !Number.isInteger(q.max)) err(`${at}.max`, 'a scale question needs an integer max');
        if (hasMin && hasMax && q.min! >= q.max!) err(`${at}.max`, 'max must be greater than min');
        if (hasMin && hasMax && q.max! - q.min! > 100) err(`${at}.max`, 'a scale spans at most 100 steps');
        break;
      case 'number':
        if (hasMin !== hasMax) err(`${at}.${hasMin ? 'max' : 'min'}`, 'a number question takes both min and max, or neither');
        if (hasMin && hasMax && q.min! > q.max!) err(`${at}.max`, 'max must not be less than min');
        break;
    }
    const options = q.options ?? [];
    if (q.type === 'choice' && !options.length) err(`${at}.options`, 'a choice question needs at least one option');
    if ((q.type === 'text' || q.type === 'number') && q.options !== undefined) err(`${at}.options`, `a ${q.type} question takes no options`);
    if (options.length > MAX_OPTIONS) err(`${at}.options`, `at most ${MAX_OPTIONS} options`);
    const values = new Set<OptionValue>();
    options.forEach((o, j) => {
      if (values.has(o.value)) err(`${at}.options.${j}.value`, 'option values must be unique');
      values.add(o.value);
      if (q.type === 'scale') {
        if (!Number.isInteger(o.value)) err(`${at}.options.${j}.value`, 'a scale option labels an integer value');
        else if (hasMin && hasMax && ((o.value as number) < q.min! || (o.value as number) > q.max!)) err(`${at}.options.${j}.value`, 'a scale option must lie between min and max');
        if (o.score !== undefined) err(`${at}.options.${j}.score`, 'a scale option takes no score: the value is the score');
      }
    });
  });
  const s = f.scoring;
  if (!s) return errors;
  const byId = new Map(f.questions.map((q) => [q.id, q]));
  if (!f.questions.some(isScored)) err('scoring', 'scoring needs at least one scored question (scale, number with min and max, or choice with scores)');
  const bands = [...(s.bands ?? [])].map((b, i) => ({ ...b, i })).sort((a, b) => a.min - b.min);
  (s.bands ?? []).forEach((b, i) => {
    if (b.min > b.max) err(`scoring.bands.${i}.max`, 'max must not be less than min');
  });
  for (let k = 1; k < bands.length; k++) {
    if (bands[k].min <= bands[k - 1].max) err(`scoring.bands.${bands[k].i}.min`, `band overlaps band ${bands[k - 1].i}`);
  }
  const labels = new Set<string>();
  (s.bands ?? []).forEach((b, i) => {
    if (labels.has(b.label)) err(`scoring.bands.${i}.label`, 'band labels must be unique');
    labels.add(b.label);
  });
  (s.alerts ?? []).forEach((a, i) => {
    const q = byId.get(a.questionId);
    if (!q) return err(`scoring.alerts.${i}.questionId`, `no question has id "${a.questionId}"`);
    const range = scoredRange(q);
    if (!range) return err(`scoring.alerts.${i}.questionId`, 'an alert rule needs a scored question (scale, number or choice with scores)');
    if (a.atOrAbove > range.max) err(`scoring.alerts.${i}.atOrAbove`, `no answer can reach ${a.atOrAbove} (the most is ${range.max})`);
  });
  return errors;
}

// ---------------------------------------------------------------------------------------------------
// Answers: checked against the form, then scored.

/** A value of the answer's question, or the reason it is not one. */
function checkValue(q: FormQuestion, v: unknown): string | null {
  switch (q.type) {
    case 'text':
      if (typeof v !== 'string') return 'must be text';
      if (v.length > MAX_TEXT_ANSWER) return `must be at most ${MAX_TEXT_ANSWER} characters`;
      return null;
    case 'scale':
      if (!Number.isInteger(v)) return 'must be a whole number';
      if ((v as number) < q.min! || (v as number) > q.max!) return `must be between ${q.min} and ${q.max}`;
      return null;
    case 'number':
      if (!finite(v)) return 'must be a number';
      if (finite(q.min) && v < q.min) return `must be at least ${q.min}`;
      if (finite(q.max) && v > q.max) return `must be at most ${q.max}`;
      return null;
    case 'choice':
      return (q.options ?? []).some((o) => o.value === v) ? null : `must be one of the options (${(q.options ?? []).map((o) => JSON.stringify(o.value)).join(', ')})`;
  }
}

/** The number an answer adds to the score, or null. */
function answerScore(q: FormQuestion, v: string | number): number | null {
  if (q.type === 'scale' || q.type === 'number') return v as number;
  if (q.type === 'choice') {
    const o = (q.options ?? []).find((x) => x.value === v);
    return o ? optionScore(o) : null;
  }
  return null;
}

/** Rounded to 4 decimal places: a mean of a few whole numbers is written the same way everywhere. */
const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** The band holding a score (bands are inclusive at both ends), or null. */
export function bandOf(score: number | null, bands: FormBand[] | undefined): string | null {
  if (score === null) return null;
  return (bands ?? []).find((b) => score >= b.min && score <= b.max)?.label ?? null;
}

/**
 * Checks answers against the form (every required question answered, no unknown question, none twice,
 * each value in range or one of the options) and scores them: sum or mean of the scored answers, the
 * band, the alert rules met. Errors name `answers.<i>.questionId|value` or `answers` for a missing one.
 */
export function scoreAnswers(f: FormDefinition, raw: { questionId: unknown; value: unknown }[]): { errors: FieldError[] } | Scored {
  const errors: FieldError[] = [];
  const byId = new Map(f.questions.map((q) => [q.id, q]));
  const given = new Map<string, string | number>();
  raw.forEach((a, i) => {
    const q = typeof a.questionId === 'string' ? byId.get(a.questionId) : undefined;
    if (!q) return void errors.push({ path: `answers.${i}.questionId`, message: `no question has id ${JSON.stringify(a.questionId)}` });
    if (given.has(q.id)) return void errors.push({ path: `answers.${i}.questionId`, message: `question "${q.id}" is answered more than once` });
    const why = checkValue(q, a.value);
    if (why) return void errors.push({ path: `answers.${i}.value`, message: `the answer to "${q.id}" ${why}` });
    given.set(q.id, a.value as string | number);
  });
  for (const q of f.questions) {
    if (q.required && !given.has(q.id) && !errors.some((e) => e.path.startsWith('answers.') && raw[Number(e.path.split('.')[1])]?.questionId === q.id)) {
      errors.push({ path: 'answers', message: `question "${q.id}" is required` });
    }
  }
  if (errors.length) return { errors };
  const answers = f.questions.filter((q) => given.has(q.id)).map((q) => ({ questionId: q.id, value: given.get(q.id)! }));
  let score: number | null = null;
  if (f.scoring) {
    const parts = answers.map((a) => answerScore(byId.get(a.questionId)!, a.value)).filter((n): n is number => n !== null);
    if (parts.length) {
      const sum = parts.reduce((x, y) => x + y, 0);
      score = round4(f.scoring.method === 'sum' ? sum : sum / parts.length);
    }
  }
  const alerts: RaisedAlert[] = [];
  for (const rule of f.scoring?.alerts ?? []) {
    const a = given.get(rule.questionId);
    if (a === undefined) continue;
    const n = answerScore(byId.get(rule.questionId)!, a);
    if (n !== null && n >= rule.atOrAbove) alerts.push({ questionId: rule.questionId, message: rule.message });
  }
  return { answers, score, band: bandOf(score, f.scoring?.bands), alerts };
}

export const isScoredResult = (r: { errors: FieldError[] } | Scored): r is Scored => !('errors' in r);

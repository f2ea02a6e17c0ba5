import { BUILT_IN_FORMS, FormDefinition, isScoredResult, PHQ9_ITEM9_ALERT, Scored, scoreAnswers, validateForm } from './scoring';

/** Answers to a built-in's items q1…qn, values in order. */
const items = (values: number[]) => values.map((value, i) => ({ questionId: `q${i + 1}`, value }));

/** n items whose sum is `total`, filled from the first item with at most `top` each (item 9 last, so it stays 0 unless needed). */
function summing(total: number, n: number, top = 3): number[] {
  const out: number[] = [];
  let left = total;
  for (let i = 0; i < n; i++) {
    const v = Math.min(top, left);
    out.push(v);
    left -= v;
  }
  if (left) throw new Error(`cannot make ${total} from ${n} items`);
  return out;
}

function scored(f: FormDefinition, answers: { questionId: unknown; value: unknown }[]): Scored {
  const r = scoreAnswers(f, answers);
  if (!isScoredResult(r)) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r;
}

function errorsOf(f: FormDefinition, answers: { questionId: unknown; value: unknown }[]) {
  const r = scoreAnswers(f, answers);
  if (isScoredResult(r)) throw new Error('expected errors');
  return r.errors;
}

describe('PHQ-9', () => {
  const phq9 = BUILT_IN_FORMS['phq-9'];
  // Every band edge: the last score of a band and the first of the next.
  it.each([
    [0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'],
    [15, 'moderately severe'], [19, 'moderately severe'], [20, 'severe'], [27, 'severe'],
  ])('scores %i as %s', (total, band) => {
    const r = scored(phq9, items(summing(total, 9)));
    expect(r.score).toBe(total);
    expect(r.band).toBe(band);
  });

  it('has nine items q1…q9 valued 0–3', () => {
    expect(phq9.questions.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9']);
    expect(phq9.questions.every((q) => q.type === 'scale' && q.min === 0 && q.max === 3 && q.required)).toBe(true);
  });

  it('published example: 1,1,2,1,0,2,1,0,0 is 8, mild, no alert', () => {
    expect(scored(phq9, items([1, 1, 2, 1, 0, 2, 1, 0, 0]))).toEqual({ answers: items([1, 1, 2, 1, 0, 2, 1, 0, 0]), score: 8, band: 'mild', alerts: [] });
  });

  it('raises the item 9 alert for any answer above 0, whatever the total', () => {
    for (const v of [1, 2, 3]) {
      const r = scored(phq9, items([0, 0, 0, 0, 0, 0, 0, 0, v]));
      expect(r.score).toBe(v);
      expect(r.band).toBe('minimal');
      expect(r.alerts).toEqual([{ questionId: 'q9', message: PHQ9_ITEM9_ALERT }]);
    }
    expect(scored(phq9, items([3, 3, 3, 3, 3, 3, 3, 3, 0])).alerts).toEqual([]);
  });

  it('refuses a missing item, an unknown item, a repeated item and values outside 0–3 or not whole', () => {
    expect(errorsOf(phq9, items([0, 0, 0, 0, 0, 0, 0, 0]))).toEqual([{ path: 'answers', message: 'question "q9" is required' }]);
    expect(errorsOf(phq9, [...items(summing(0, 9)), { questionId: 'q10', value: 0 }]).map((e) => e.path)).toEqual(['answers.9.questionId']);
    expect(errorsOf(phq9, [...items(summing(0, 9)), { questionId: 'q1', value: 1 }]).map((e) => e.path)).toEqual(['answers.9.questionId']);
    expect(errorsOf(phq9, items([4, 0, 0, 0, 0, 0, 0, 0, 0])).map((e) => e.path)).toEqual(['answers.0.value']);
    expect(errorsOf(phq9, items([-1, 0, 0, 0, 0, 0, 0, 0, 0])).map((e) => e.path)).toEqual(['answers.0.value']);
    expect(errorsOf(phq9, items([1.5, 0, 0, 0, 0, 0, 0, 0, 0])).map((e) => e.path)).toEqual(['answers.0.value']);
    expect(errorsOf(phq9, [{ questionId: 'q1', value: '1' }, ...items([0, 0, 0, 0, 0, 0, 0, 0, 0]).slice(1)]).map((e) => e.path)).toEqual(['answers.0.value']);
    expect(errorsOf(phq9, [{ questionId: 7, value: 1 }, ...items(summing(0, 9))]).map((e) => e.path)).toEqual(['answers.0.questionId']);
  });

  it('keeps answers in the form order, whatever order they came in', () => {
    const r = scored(phq9, items([1, 0, 0, 0, 0, 0, 0, 0, 2]).reverse());
    expect(r.answers.map((a) => a.questionId)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9']);
    expect(r.score).toBe(3);
  });
});

describe('GAD-7', () => {
  const gad7 = BUILT_IN_FORMS['gad-7'];
  it.each([
    [0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'], [15, 'severe'], [21, 'severe'],
  ])('scores %i as %s', (total, band) => {
    const r = scored(gad7, items(summing(total, 7)));
    expect(r.score).toBe(total);
    expect(r.band).toBe(band);
    expect(r.alerts).toEqual([]);
  });

  it('published example: 2,1,2,1,1,1,2 is 10, moderate', () => {
    expect(scored(gad7, items([2, 1, 2, 1, 1, 1, 2]))).toMatchObject({ score: 10, band: 'moderate', alerts: [] });
  });

  it('has seven items and no eighth', () => {
    expect(gad7.questions.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7']);
    expect(errorsOf(gad7, [...items(summing(0, 7)), { questionId: 'q8', value: 0 }]).map((e) => e.path)).toEqual(['answers.7.questionId']);
  });
});

describe('Wheel of Life', () => {
  const wheel = BUILT_IN_FORMS['wheel-of-life'];
  const ids = ['career', 'finances', 'health', 'family', 'relationships', 'growth', 'fun', 'environment'];
  const areas = (values: number[]) => values.map((value, i) => ({ questionId: ids[i], value }));

  it('has the eight areas, each 1–10, and no bands', () => {
    expect(wheel.questions.map((q) => q.id)).toEqual(ids);
    expect(wheel.questions.every((q) => q.min === 1 && q.max === 10)).toBe(true);
    expect(wheel.scoring).toEqual({ method: 'mean' });
  });

  it('scores the mean: all 1 is 1, all 10 is 10, a mixed wheel its exact mean', () => {
    expect(scored(wheel, areas([1, 1, 1, 1, 1, 1, 1, 1]))).toMatchObject({ score: 1, band: null, alerts: [] });
    expect(scored(wheel, areas([10, 10, 10, 10, 10, 10, 10, 10])).score).toBe(10);
    expect(scored(wheel, areas([7, 5, 8, 6, 7, 4, 3, 6])).score).toBe(5.75);
    expect(scored(wheel, areas([7, 5, 8, 6, 7, 4, 3, 5])).score).toBe(5.625);
  });

  it('refuses 0 and 11', () => {
    expect(errorsOf(wheel, areas([0, 5, 5, 5, 5, 5, 5, 5])).map((e) => e.path)).toEqual(['answers.0.value']);
    expect(errorsOf(wheel, areas([5, 5, 5, 5, 5, 5, 5, 11])).map((e) => e.path)).toEqual(['answers.7.value']);
  });
});

describe('a practice form', () => {
  const checkin: FormDefinition = {
    title: 'Weekly check-in',
    kind: 'checkin',
    questions: [
      { id: 'energy', type: 'scale', label: 'Energy', required: true, min: 1, max: 5 },
      { id: 'stress', type: 'choice', label: 'Stress', required: true, options: [{ value: 'low', label: 'Low', score: 1 }, { value: 'mid', label: 'Some', score: 3 }, { value: 'high', label: 'High', score: 5 }] },
      { id: 'sleep', type: 'number', label: 'Hours of sleep', min: 0, max: 24 },
      { id: 'note', type: 'text', label: 'Anything else?' },
    ],
    scoring: { method: 'mean', bands: [{ min: 1, max: 2.5, label: 'low' }, { min: 2.6, max: 5, label: 'high' }], alerts: [{ questionId: 'stress', atOrAbove: 5, message: 'High stress' }] },
  };

  it('is valid', () => expect(validateForm(checkin)).toEqual([]));

  it('scores the mean of scored answers only (text is not scored, optional ones may be left out)', () => {
    expect(scored(checkin, [{ questionId: 'energy', value: 2 }, { questionId: 'stress', value: 'mid' }])).toEqual({
      answers: [{ questionId: 'energy', value: 2 }, { questionId: 'stress', value: 'mid' }], score: 2.5, band: 'low', alerts: [],
    });
    const r = scored(checkin, [{ questionId: 'note', value: 'fine' }, { questionId: 'energy', value: 4 }, { questionId: 'stress', value: 'high' }, { questionId: 'sleep', value: 6.5 }]);
    expect(r.score).toBe(5.1667);
    expect(r.band).toBeNull(); // above every band
    expect(r.alerts).toEqual([{ questionId: 'stress', message: 'High stress' }]);
  });

  it('alert rules fire at the threshold and not one below', () => {
    const f: FormDefinition = { ...checkin, scoring: { method: 'sum', alerts: [{ questionId: 'energy', atOrAbove: 4, message: 'm' }] } };
    expect(scored(f, [{ questionId: 'energy', value: 4 }, { questionId: 'stress', value: 'low' }]).alerts).toHaveLength(1);
    expect(scored(f, [{ questionId: 'energy', value: 3 }, { questionId: 'stress', value: 'low' }]).alerts).toHaveLength(0);
  });

  it('bands are inclusive at both ends', () => {
    const f: FormDefinition = { ...checkin, scoring: { method: 'sum', bands: [{ min: 2, max: 3, label: 'a' }, { min: 4, max: 10, label: 'b' }] } };
    const at = (energy: number) => scored(f, [{ questionId: 'energy', value: energy }, { questionId: 'stress', value: 'low' }]).band;
    expect([at(1), at(2), at(3), at(4), at(5)]).toEqual(['a', 'a', 'b', 'b', 'b']);
  });

  it('refuses an option that is not one, a number out of range, text for a number, an overlong text', () => {
    const base = [{ questionId: 'energy', value: 3 }];
    expect(errorsOf(checkin, [...base, { questionId: 'stress', value: 'extreme' }]).map((e) => e.path)).toEqual(['answers.1.value']);
    expect(errorsOf(checkin, [...base, { questionId: 'stress', value: 'low' }, { questionId: 'sleep', value: 25 }]).map((e) => e.path)).toEqual(['answers.2.value']);
    expect(errorsOf(checkin, [...base, { questionId: 'stress', value: 'low' }, { questionId: 'sleep', value: 'eight' }]).map((e) => e.path)).toEqual(['answers.2.value']);
    expect(errorsOf(checkin, [...base, { questionId: 'stress', value: 'low' }, { questionId: 'note', value: 'x'.repeat(4001) }]).map((e) => e.path)).toEqual(['answers.2.value']);
    expect(errorsOf(checkin, base)).toEqual([{ path: 'answers', message: 'question "stress" is required' }]);
  });

  it('without scoring has no score and no band', () => {
    const intake: FormDefinition = { title: 'Intake', kind: 'intake', questions: [{ id: 'why', type: 'text', label: 'Why now?', required: true }], scoring: null };
    expect(validateForm(intake)).toEqual([]);
    expect(scored(intake, [{ questionId: 'why', value: 'Because' }])).toEqual({ answers: [{ questionId: 'why', value: 'Because' }], score: null, band: null, alerts: [] });
  });
});

describe('form validation', () => {
  const q = (over: object) => ({ id: 'a', type: 'scale' as const, label: 'A', min: 0, max: 3, ...over });
  const form = (questions: object[], scoring: FormDefinition['scoring'] = null): FormDefinition => ({ title: 'F', kind: 'assessment', questions: questions as FormDefinition['questions'], scoring });
  const paths = (f: FormDefinition) => validateForm(f).map((e) => e.path);

  it('every built-in passes its own rules', () => {
    for (const f of Object.values(BUILT_IN_FORMS)) expect(validateForm(f)).toEqual([]);
  });

  it('needs 1–100 questions with unique, well-formed ids', () => {
    expect(paths(form([]))).toEqual(['questions']);
    expect(paths(form(Array.from({ length: 101 }, (_, i) => q({ id: `q${i}` }))))).toEqual(['questions']);
    expect(paths(form(Array.from({ length: 100 }, (_, i) => q({ id: `q${i}` }))))).toEqual([]);
    expect(paths(form([q({}), q({})]))).toEqual(['questions.1.id']);
    expect(paths(form([q({ id: 'has space' })]))).toEqual(['questions.0.id']);
  });

  it('a scale needs whole min < max within 100 steps; its option labels lie inside it', () => {
    expect(paths(form([q({ min: undefined })]))).toEqual(['questions.0.min']);
    expect(paths(form([q({ min: 3, max: 3 })]))).toEqual(['questions.0.max']);
    expect(paths(form([q({ min: 0.5 })]))).toEqual(['questions.0.min']);
    expect(paths(form([q({ min: 0, max: 101 })]))).toEqual(['questions.0.max']);
    expect(paths(form([q({ options: [{ value: 4, label: 'Four' }] })]))).toEqual(['questions.0.options.0.value']);
    expect(paths(form([q({ options: [{ value: 1, label: 'One' }, { value: 1, label: 'Uno' }] })]))).toEqual(['questions.0.options.1.value']);
  });

  it('a choice needs options and no range; text and number take no options; a number takes both bounds or none', () => {
    expect(paths(form([{ id: 'c', type: 'choice', label: 'C' }]))).toEqual(['questions.0.options']);
    expect(paths(form([{ id: 'c', type: 'choice', label: 'C', min: 1, options: [{ value: 'x', label: 'X' }] }]))).toEqual(['questions.0.min']);
    expect(paths(form([{ id: 't', type: 'text', label: 'T', options: [{ value: 'x', label: 'X' }] }]))).toEqual(['questions.0.options']);
    expect(paths(form([{ id: 'n', type: 'number', label: 'N', min: 1 }]))).toEqual(['questions.0.max']);
    expect(paths(form([{ id: 'n', type: 'number', label: 'N', min: 2, max: 1 }]))).toEqual(['questions.0.max']);
  });

  it('scoring needs a scored question; bands may not overlap or repeat a label; alerts name a scored question they can reach', () => {
    const text = { id: 't', type: 'text', label: 'T' };
    expect(paths(form([text], { method: 'sum' }))).toEqual(['scoring']);
    expect(paths(form([{ id: 'c', type: 'choice', label: 'C', options: [{ value: 'x', label: 'X' }] }], { method: 'sum' }))).toEqual(['scoring']);
    expect(paths(form([q({})], { method: 'sum', bands: [{ min: 0, max: 2, label: 'low' }, { min: 2, max: 3, label: 'high' }] }))).toEqual(['scoring.bands.1.min']);
    expect(paths(form([q({})], { method: 'sum', bands: [{ min: 2, max: 1, label: 'low' }] }))).toEqual(['scoring.bands.0.max']);
    expect(paths(form([q({})], { method: 'sum', bands: [{ min: 0, max: 1, label: 'x' }, { min: 2, max: 3, label: 'x' }] }))).toEqual(['scoring.bands.1.label']);
    expect(paths(form([q({}), text], { method: 'sum', alerts: [{ questionId: 'zz', atOrAbove: 1, message: 'm' }] }))).toEqual(['scoring.alerts.0.questionId']);
    expect(paths(form([q({}), text], { method: 'sum', alerts: [{ questionId: 't', atOrAbove: 1, message: 'm' }] }))).toEqual(['scoring.alerts.0.questionId']);
    expect(paths(form([q({})], { method: 'sum', alerts: [{ questionId: 'a', atOrAbove: 4, message: 'm' }] }))).toEqual(['scoring.alerts.0.atOrAbove']);
    expect(paths(form([q({})], { method: 'sum', alerts: [{ questionId: 'a', atOrAbove: 3, message: 'm' }] }))).toEqual([]);
  });
});

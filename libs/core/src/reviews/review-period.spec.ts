import { addDays, addMonthsClamped, nextReviewDueOn, periodsDue, reviewPeriod, reviewPeriodContaining, reviewPeriodEndingBefore } from './review-period';

describe('addMonthsClamped', () => {
  it('keeps the day of the month, clamped to the month end', () => {
    expect(addMonthsClamped('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonthsClamped('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsClamped('2027-01-31', 2)).toBe('2027-03-31');
    expect(addMonthsClamped('2027-01-31', 3)).toBe('2027-04-30');
    expect(addMonthsClamped('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonthsClamped('2026-12-31', 12)).toBe('2027-12-31');
  });
});

describe('weekly', () => {
  it('7-day periods from startsOn', () => {
    expect(reviewPeriod('weekly', '2026-11-02', 0)).toEqual({ start: '2026-11-02', end: '2026-11-08' });
    expect(reviewPeriod('weekly', '2026-11-02', 1)).toEqual({ start: '2026-11-09', end: '2026-11-15' });
    expect(reviewPeriod('weekly', '2026-12-28', 0)).toEqual({ start: '2026-12-28', end: '2027-01-03' });
  });

  it('the period ending before a date is over by the start of that date', () => {
    expect(reviewPeriodEndingBefore('weekly', '2026-11-02', '2026-11-02')).toBeNull();
    expect(reviewPeriodEndingBefore('weekly', '2026-11-02', '2026-11-08')).toBeNull(); // the last day is not over yet
    expect(reviewPeriodEndingBefore('weekly', '2026-11-02', '2026-11-09')).toEqual({ start: '2026-11-02', end: '2026-11-08' });
    expect(reviewPeriodEndingBefore('weekly', '2026-11-02', '2026-11-15')).toEqual({ start: '2026-11-02', end: '2026-11-08' });
    expect(reviewPeriodEndingBefore('weekly', '2026-11-02', '2026-11-16')).toEqual({ start: '2026-11-09', end: '2026-11-15' });
    expect(reviewPeriodEndingBefore('weekly', '2026-11-02', '2026-10-01')).toBeNull();
  });

  it('periodsDue lists every elapsed period, oldest first, from a given point', () => {
    expect(periodsDue('weekly', '2026-11-02', '2026-11-24')).toEqual([
      { start: '2026-11-02', end: '2026-11-08' },
      { start: '2026-11-09', end: '2026-11-15' },
      { start: '2026-11-16', end: '2026-11-22' },
    ]);
    expect(periodsDue('weekly', '2026-11-02', '2026-11-24', { after: '2026-11-08' })).toEqual([
      { start: '2026-11-09', end: '2026-11-15' },
      { start: '2026-11-16', end: '2026-11-22' },
    ]);
    expect(periodsDue('weekly', '2026-11-02', '2026-11-24', { max: 1 })).toEqual([{ start: '2026-11-16', end: '2026-11-22' }]);
    expect(periodsDue('weekly', '2026-11-02', '2026-11-05')).toEqual([]);
  });
});

describe('biweekly', () => {
  it('14-day periods from startsOn, across a month and a year end', () => {
    expect(reviewPeriod('biweekly', '2026-12-21', 0)).toEqual({ start: '2026-12-21', end: '2027-01-03' });
    expect(reviewPeriod('biweekly', '2026-12-21', 1)).toEqual({ start: '2027-01-04', end: '2027-01-17' });
    expect(reviewPeriodEndingBefore('biweekly', '2026-12-21', '2027-01-17')).toEqual({ start: '2026-12-21', end: '2027-01-03' });
    expect(reviewPeriodEndingBefore('biweekly', '2026-12-21', '2027-01-18')).toEqual({ start: '2027-01-04', end: '2027-01-17' });
    expect(periodsDue('biweekly', '2026-12-21', '2027-02-01').map((p) => p.start)).toEqual(['2026-12-21', '2027-01-04', '2027-01-18']);
  });
});

describe('monthly', () => {
  it('steps by calendar month from startsOn’s day', () => {
    expect(reviewPeriod('monthly', '2026-11-15', 0)).toEqual({ start: '2026-11-15', end: '2026-12-14' });
    expect(reviewPeriod('monthly', '2026-11-15', 1)).toEqual({ start: '2026-12-15', end: '2027-01-14' });
    expect(reviewPeriod('monthly', '2026-11-01', 0)).toEqual({ start: '2026-11-01', end: '2026-11-30' });
  });

  it('clamps to the month end and returns to the day afterwards (Jan 31 → Feb 28 → Mar 31)', () => {
    expect(reviewPeriod('monthly', '2027-01-31', 0)).toEqual({ start: '2027-01-31', end: '2027-02-27' });
    expect(reviewPeriod('monthly', '2027-01-31', 1)).toEqual({ start: '2027-02-28', end: '2027-03-30' });
    expect(reviewPeriod('monthly', '2027-01-31', 2)).toEqual({ start: '2027-03-31', end: '2027-04-29' });
    expect(reviewPeriod('monthly', '2027-01-31', 3)).toEqual({ start: '2027-04-30', end: '2027-05-30' });
    expect(reviewPeriod('monthly', '2028-01-31', 1)).toEqual({ start: '2028-02-29', end: '2028-03-30' }); // leap year
    expect(reviewPeriodEndingBefore('monthly', '2027-01-31', '2027-02-28')).toEqual({ start: '2027-01-31', end: '2027-02-27' });
    expect(reviewPeriodEndingBefore('monthly', '2027-01-31', '2027-03-31')).toEqual({ start: '2027-02-28', end: '2027-03-30' });
    expect(reviewPeriodEndingBefore('monthly', '2027-01-31', '2027-03-30')).toEqual({ start: '2027-01-31', end: '2027-02-27' });
    expect(periodsDue('monthly', '2027-01-31', '2027-06-01').map((p) => p.start)).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30']);
  });

  it('finds the period containing a date', () => {
    expect(reviewPeriodContaining('monthly', '2027-01-31', '2027-03-15')).toEqual({ start: '2027-02-28', end: '2027-03-30' });
    expect(reviewPeriodContaining('monthly', '2027-01-31', '2027-03-31')).toEqual({ start: '2027-03-31', end: '2027-04-29' });
    expect(reviewPeriodContaining('monthly', '2027-01-31', '2027-01-30')).toBeNull();
  });
});

describe('an engagement’s end', () => {
  it('cuts the last period short and opens none after it', () => {
    expect(reviewPeriod('monthly', '2026-11-15', 1, '2027-01-01')).toEqual({ start: '2026-12-15', end: '2027-01-01' });
    expect(reviewPeriod('monthly', '2026-11-15', 2, '2027-01-01')).toBeNull();
    expect(periodsDue('monthly', '2026-11-15', '2027-06-01', { endsOn: '2027-01-01' })).toEqual([
      { start: '2026-11-15', end: '2026-12-14' },
      { start: '2026-12-15', end: '2027-01-01' },
    ]);
    expect(reviewPeriodEndingBefore('weekly', '2026-11-02', '2027-06-01', '2026-11-10')).toEqual({ start: '2026-11-09', end: '2026-11-10' });
    expect(reviewPeriodContaining('weekly', '2026-11-02', '2026-11-20', '2026-11-10')).toBeNull();
  });
});

describe('none', () => {
  it('has no periods', () => {
    expect(reviewPeriod('none', '2026-11-02', 0)).toBeNull();
    expect(reviewPeriodEndingBefore('none', '2026-11-02', '2027-11-02')).toBeNull();
    expect(reviewPeriodContaining('none', '2026-11-02', '2026-11-03')).toBeNull();
    expect(periodsDue('none', '2026-11-02', '2027-11-02')).toEqual([]);
  });
});

describe('nextReviewDueOn', () => {
  it('is the day after the first period that ends after the given day', () => {
    expect(nextReviewDueOn('weekly', '2026-11-02', null)).toBe('2026-11-09');
    expect(nextReviewDueOn('weekly', '2026-11-02', '2026-11-08')).toBe('2026-11-16');
    expect(nextReviewDueOn('weekly', '2026-11-02', '2026-11-10')).toBe('2026-11-16');
    expect(nextReviewDueOn('weekly', '2026-11-02', '2026-10-01')).toBe('2026-11-09'); // before the start: the first period
    expect(nextReviewDueOn('biweekly', '2026-11-02', '2026-11-15')).toBe('2026-11-30');
    expect(nextReviewDueOn('monthly', '2027-01-31', '2027-02-27')).toBe('2027-03-31'); // Jan 31 – Feb 27, then Feb 28 – Mar 30
    expect(nextReviewDueOn('monthly', '2027-01-31', null)).toBe('2027-02-28');
  });

  it('stops at the end of the engagement, whose last period is cut short', () => {
    expect(nextReviewDueOn('weekly', '2026-11-02', '2026-11-08', '2026-11-11')).toBe('2026-11-12');
    expect(nextReviewDueOn('weekly', '2026-11-02', '2026-11-11', '2026-11-11')).toBeNull();
    expect(nextReviewDueOn('monthly', '2026-11-02', '2026-12-01', '2026-12-01')).toBeNull();
    expect(nextReviewDueOn('none', '2026-11-02', null)).toBeNull();
  });

  // Every cadence, month-end starts, with and without an end, from several catch-up points: periodsDue
  // is empty the day before and not empty from the day given on, for every day of ten months.
  it('is exactly the first day periodsDue is not empty', () => {
    const cadences = ['weekly', 'biweekly', 'monthly'] as const;
    const starts = ['2027-01-29', '2027-01-31', '2028-02-29', '2026-12-31', '2027-03-15'];
    let checked = 0;
    const wrong: unknown[] = [];
    for (const cadence of cadences) {
      for (const startsOn of starts) {
        for (const endsOn of [null, addDays(startsOn, 40), startsOn]) {
          for (const after of [null, addDays(startsOn, -1), startsOn, addDays(startsOn, 13), addDays(startsOn, 59)]) {
            const due = nextReviewDueOn(cadence, startsOn, after, endsOn);
            for (let d = -3; d < 300; d++) {
              const asOf = addDays(startsOn, d);
              const any = periodsDue(cadence, startsOn, asOf, { endsOn, after, max: 12 }).length > 0;
              if (any !== (due !== null && asOf >= due)) wrong.push({ cadence, startsOn, endsOn, after, asOf, due, any });
              checked++;
            }
          }
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(60_000);
  });
});

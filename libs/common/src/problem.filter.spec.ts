import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ActingUserGone } from '@app/database';
import { ProblemFilter } from './problem.filter';

const dbError = (code: string, detail = '') => new QueryFailedError('SELECT 1', [], Object.assign(new Error('db says no: secret value'), { code, detail }));

describe('ProblemFilter: PostgreSQL data errors are the caller\'s, never a 500', () => {
  const filter = new ProblemFilter();
  // The filter logs each refusal; the output is not what these cases assert.
  beforeAll(() => Logger.overrideLogger(false));
  it.each([
    ['22P02', 400], ['22001', 400], ['22003', 400], ['22007', 400], ['22008', 400], ['22021', 400], ['22023', 400], ['22P05', 400],
    ['23502', 400], ['23514', 400], ['23505', 409], ['23P01', 409], ['23001', 409], ['54000', 400],
  ])('%s is %i', (code, status) => {
    const p = filter.toProblem(dbError(code));
    expect(p.status).toBe(status);
    expect(p.detail).not.toMatch(/secret value/);
  });

  it('a foreign key to nothing is 404; one still referenced is 409', () => {
    expect(filter.toProblem(dbError('23503', 'Key (goal_id)=(x) is not present in table "goals".')).status).toBe(404);
    expect(filter.toProblem(dbError('23503', 'Key (id)=(x) is still referenced from table "goals".')).status).toBe(409);
  });

  it('other database errors stay 500 with an error id', () => {
    const p = filter.toProblem(dbError('40P01'));
    expect(p.status).toBe(500);
    expect(p.errorId).toEqual(expect.any(String));
  });

  it("Fastify's own 4xx errors keep their status", () => {
    const err = Object.assign(new Error('Body is not valid'), { code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH', statusCode: 400 });
    expect(filter.toProblem(err)).toMatchObject({ status: 400, type: '/problems/malformed-request' });
  });

  it('a user who lost access since their credential was issued is 401 unauthenticated, not a 500', () => {
    expect(filter.toProblem(new ActingUserGone())).toMatchObject({ status: 401, type: '/problems/unauthenticated', detail: 'This account no longer has access.' });
  });
});

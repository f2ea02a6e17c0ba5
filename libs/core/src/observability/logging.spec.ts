import { loggedUrl } from './logging';

describe('loggedUrl', () => {
  it('drops the calendar token and the query string, and keeps other paths as they are', () => {
    const token = `cal_${'0'.repeat(32)}${'A'.repeat(43)}`;
    expect(loggedUrl(`/v1/calendar/${token}.ics`)).toBe('/v1/calendar/[redacted].ics');
    expect(loggedUrl('/v1/calendar/not-a-token.ics?x=1')).toBe('/v1/calendar/[redacted].ics');
    expect(loggedUrl('/v1/calendar/feed')).toBe('/v1/calendar/feed');
    expect(loggedUrl('/v1/unsubscribe/0a1b.u2c3d.session_reminder.AbCd-_?x=1')).toBe('/v1/unsubscribe/[redacted]');
    expect(loggedUrl('/v1/calendar/feed/reset')).toBe('/v1/calendar/feed/reset');
    expect(loggedUrl('/v1/sessions/5b0c1e2a-0000-4000-8000-000000000000/agenda?x=cal_1')).toBe('/v1/sessions/5b0c1e2a-0000-4000-8000-000000000000/agenda');
  });

  it('drops anything shaped like one of the platform secrets wherever it is in the path', () => {
    expect(loggedUrl('/v1/somewhere/crt_abc-DEF_123/x')).toBe('/v1/somewhere/crt_[redacted]/x');
    expect(loggedUrl('/v1/invitations/cin_abcdef')).toBe('/v1/invitations/cin_[redacted]');
  });
});

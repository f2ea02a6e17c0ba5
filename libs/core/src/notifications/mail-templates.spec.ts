import { calendarDay, renderMail } from './mail-templates';

describe('mail templates', () => {
  it('write a due day as people write a date, not as YYYY-MM-DD', () => {
    const mail = renderMail('action_item_due', { recipientName: 'A Client', timezone: 'Europe/Berlin', portalUrl: 'https://portal.example.com', data: { title: 'Book the venue', dueOn: '2026-12-04', engagementId: 'e1' } });
    expect(mail.text).toContain('is due Friday 4 December 2026');
    expect(mail.text).not.toContain('2026-12-04');
  });

  it('leave a value that is not a calendar date unwritten', () => {
    expect(calendarDay('2026-12-04')).toBe('Friday 4 December 2026');
    expect(calendarDay('tomorrow')).toBe('');
    expect(calendarDay(undefined)).toBe('');
  });
});

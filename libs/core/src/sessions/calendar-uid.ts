/** The UID of a session's event: the same in the calendar feed and in a reminder's invitation, so a calendar that has both keeps one event. */
export const calendarUid = (sessionId: string) => `${sessionId}@coaching-platform`;

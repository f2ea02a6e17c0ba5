export class CalendarFeedDto {
  /** The secret iCalendar feed URL; the same on every GET until reset (POST /v1/calendar/feed/reset), which invalidates it. */
  url!: string;
}

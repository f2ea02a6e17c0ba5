export class CalendarFeedDto {
  /** The secret iCalendar feed URL; issuing a new one invalidates the previous URL. */
  url!: string;
}

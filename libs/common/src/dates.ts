// The API's two time formats, checked in one place: timestamps (ISO 8601 date-time with offset) and dates (YYYY-MM-DD).
import { ValidateBy, ValidationOptions } from 'class-validator';

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isCalendarDay = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/** A calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isDateOnly(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATE.exec(v);
  return !!m && isCalendarDay(+m[1], +m[2], +m[3]);
}

/**
 * A full ISO 8601 date-time with its offset (Z or ±HH:MM), naming a real instant: week dates,
 * ordinal dates, basic format, a bare hour or a missing offset are refused, since new Date()
 * reads some of them as Invalid Date and the rest in the server's own zone.
 */
export function isTimestamp(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = TIMESTAMP.exec(v);
  if (!m || !isCalendarDay(+m[1], +m[2], +m[3])) return false;
  if (+m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 59)) return false;
  if (m[7] && (+m[8] > 23 || +m[9] > 59)) return false;
  return !Number.isNaN(new Date(v).getTime());
}

/** Body or query field: an ISO 8601 timestamp with offset. */
export const IsTimestamp = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    { name: 'isTimestamp', validator: { validate: isTimestamp, defaultMessage: (a) => `${a?.property} must be an ISO 8601 timestamp with an offset, e.g. 2026-03-02T09:30:00Z` } },
    options,
  );

/** Body or query field: a date, YYYY-MM-DD. */
export const IsDateOnly = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy({ name: 'isDateOnly', validator: { validate: isDateOnly, defaultMessage: (a) => `${a?.property} must be a date (YYYY-MM-DD)` } }, options);

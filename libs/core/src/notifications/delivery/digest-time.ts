// When a recipient's daily digest goes out: their chosen local time, in their zone, across daylight-saving changes.
import { DateTime } from 'luxon';

/**
 * The first moment after `after` at which the wall clock in `zone` reads `hhmm`, and that day's local
 * date (which names the digest, so one day has one digest). Wall-clock arithmetic in the zone: a day
 * with a daylight-saving change is 23 or 25 hours long, and the digest stays at the chosen local time.
 * A time the clocks skip that day (02:30 when they jump from 02:00 to 03:00) is the first minute after
 * the gap, the same instant the chosen time would have named an hour earlier.
 */
export function nextDigestAt(after: Date, zone: string, hhmm: string): { at: Date; localDate: string } {
  const [hour, minute] = hhmm.split(':').map(Number);
  const local = DateTime.fromJSDate(after, { zone });
  for (let day = 0; day <= 2; day++) {
    const date = local.startOf('day').plus({ days: day });
    const at = date.set({ hour, minute, second: 0, millisecond: 0 });
    if (at.toMillis() > after.getTime()) return { at: at.toJSDate(), localDate: date.toISODate()! };
  }
  // Unreachable: some day within three has the time after `after`.
  throw new Error(`no digest time ${hhmm} in ${zone} after ${after.toISOString()}`);
}

import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsDateOnly, IsTimeZoneName, IsTimestamp } from '@app/common';
import { WEEKDAYS, Weekday } from '../slots';

// "HH:MM" of local wall-clock time; an end may be "24:00" (midnight at the end of the day).
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const HHMM_END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export class TimeRangeDto {
  /** HH:MM local time. */
  @Matches(HHMM, { message: '$property must be a time HH:MM' })
  start!: string;

  /** HH:MM local time after start; 24:00 is the end of the day. */
  @Matches(HHMM_END, { message: '$property must be a time HH:MM (24:00 for the end of the day)' })
  end!: string;
}

export class WeeklyRangeDto extends TimeRangeDto {
  @IsIn(WEEKDAYS as unknown as string[])
  day!: Weekday;
}

export class DateOverrideDto {
  /** YYYY-MM-DD in the availability's time zone. */
  @IsDateOnly()
  date!: string;

  /** Replaces that date's weekly hours; empty is a day off. */
  @IsArray() @ArrayMaxSize(48) @ValidateNested({ each: true }) @Type(() => TimeRangeDto)
  slots!: TimeRangeDto[];
}

export class AvailabilityDto {
  /** The coach's hours are in this IANA zone. */
  timezone!: string;
  weekly!: WeeklyRangeDto[];
  overrides!: DateOverrideDto[];
  /** Kept free before and after each scheduled session. */
  bufferMinutes!: number;
  /** How long before its start a slot can still be booked. */
  minNoticeMinutes!: number;
  /** How many days ahead slots can be booked. */
  horizonDays!: number;
}

export class PutAvailabilityDto {
  @IsTimeZoneName()
  timezone!: string;

  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => WeeklyRangeDto)
  weekly!: WeeklyRangeDto[];

  @IsArray() @ArrayMaxSize(400) @ValidateNested({ each: true }) @Type(() => DateOverrideDto)
  overrides!: DateOverrideDto[];

  @IsInt() @Min(0) @Max(240)
  bufferMinutes!: number;

  @IsInt() @Min(0) @Max(20160)
  minNoticeMinutes!: number;

  @IsInt() @Min(1) @Max(365)
  horizonDays!: number;
}

export class SlotsQuery {
  /** Start of the window (timestamp with offset). */
  @IsTimestamp()
  from!: string;

  /** End of the window, at most 62 days after from. */
  @IsTimestamp()
  to!: string;

  /** The session length; the engagement's sessionDurationMinutes, else 60. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(15) @Max(480)
  durationMinutes?: number;
}

export class SlotDto {
  startsAt!: string;
  endsAt!: string;
}

export class SlotListDto {
  data!: SlotDto[];
}

export class CreateBookingDto {
  /** A free start time from the engagement's slots. */
  @IsTimestamp()
  startsAt!: string;

  /** The engagement's sessionDurationMinutes, else 60. */
  @IsOptional() @IsInt() @Min(15) @Max(480)
  durationMinutes?: number;
}

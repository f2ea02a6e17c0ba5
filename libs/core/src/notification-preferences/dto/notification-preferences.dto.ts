import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, Matches, ValidateNested } from 'class-validator';
import { IsOptionalNotNull } from '@app/common';
import type { DigestMode } from '../notification-preference.entity';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** On (true) or off (false) per kind of notification; in a PUT, a kind left out keeps its setting. */
export class KindSwitchesDto {
  @IsOptionalNotNull() @IsBoolean() session_reminder?: boolean;
  @IsOptionalNotNull() @IsBoolean() goal_proposed?: boolean;
  @IsOptionalNotNull() @IsBoolean() goal_changes_requested?: boolean;
  @IsOptionalNotNull() @IsBoolean() review_opened?: boolean;
  @IsOptionalNotNull() @IsBoolean() review_overdue?: boolean;
  @IsOptionalNotNull() @IsBoolean() review_submitted?: boolean;
  @IsOptionalNotNull() @IsBoolean() action_item_due?: boolean;
  @IsOptionalNotNull() @IsBoolean() engagement_stalled?: boolean;
  @IsOptionalNotNull() @IsBoolean() booking_nudge?: boolean;
  @IsOptionalNotNull() @IsBoolean() form_assigned?: boolean;
  /** Email of assessment alerts cannot be turned off (false → 400). */
  @IsOptionalNotNull() @IsBoolean() assessment_alert?: boolean;
}

/** Every kind, on or off. */
export class KindSettingsDto {
  session_reminder!: boolean;
  goal_proposed!: boolean;
  goal_changes_requested!: boolean;
  review_opened!: boolean;
  review_overdue!: boolean;
  review_submitted!: boolean;
  action_item_due!: boolean;
  engagement_stalled!: boolean;
  booking_nudge!: boolean;
  form_assigned!: boolean;
  assessment_alert!: boolean;
}

export class NotificationPreferencesDto {
  email!: KindSettingsDto;
  inApp!: KindSettingsDto;
  /** daily: every email but session reminders and assessment alerts is held and sent as one digest at digestTime. */
  @IsIn(['off', 'daily']) digest!: DigestMode;
  /** Local time (the recipient's zone) of the daily digest, HH:MM. */
  digestTime!: string;
}

/** The caller's choices; whatever is left out keeps its setting. */
export class UpdateNotificationPreferencesDto {
  // IsObject: an array would pass ValidateNested.
  @IsOptionalNotNull() @IsObject({ message: 'email must be an object of kinds' }) @ValidateNested() @Type(() => KindSwitchesDto)
  email?: KindSwitchesDto;

  @IsOptionalNotNull() @IsObject({ message: 'inApp must be an object of kinds' }) @ValidateNested() @Type(() => KindSwitchesDto)
  inApp?: KindSwitchesDto;

  @IsOptionalNotNull() @IsIn(['off', 'daily'])
  digest?: DigestMode;

  @IsOptionalNotNull() @Matches(HHMM, { message: 'digestTime must be HH:MM' })
  digestTime?: string;
}

/** What a one-click unsubscribe did. */
export class UnsubscribedDto {
  /** The kind of email that stops. */
  kind!: string;
  /** False for a kind that cannot be turned off (assessment alerts): nothing changed. */
  unsubscribed!: boolean;
}

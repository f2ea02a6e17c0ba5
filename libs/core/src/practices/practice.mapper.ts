import type { PracticeDto } from './dto/practice.dto';
import type { Practice } from './practice.entity';

export const toPracticeDto = (p: Practice): PracticeDto => ({
  id: p.id,
  name: p.name,
  slug: p.slug,
  timezone: p.timezone,
  reminderOffsetsMinutes: [...p.reminderOffsetsMinutes].sort((a, b) => b - a),
  defaultReviewCadence: p.defaultReviewCadence,
  stalledAfterDays: p.stalledAfterDays,
  cancellationNoticeHours: p.cancellationNoticeHours,
  videoRoomBaseUrl: p.videoRoomBaseUrl,
});

import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx } from '@app/common';
import { NotificationPreferencesDto, UpdateNotificationPreferencesDto } from './dto/notification-preferences.dto';
import { NotificationPreferencesService } from './notification-preferences.service';

@ApiTags('notifications')
@Controller('v1/me/notification-preferences')
export class NotificationPreferencesController {
  constructor(private readonly preferences: NotificationPreferencesService) {}

  /** The caller's notification preferences: email and in-app per kind, and the daily digest. */
  @Get()
  get(@Ctx() ctx: AuthContext): Promise<NotificationPreferencesDto> {
    return this.preferences.get(ctx);
  }

  /** Changes the caller's notification preferences; kinds and fields left out keep their setting. */
  @Put()
  update(@Ctx() ctx: AuthContext, @Body() dto: UpdateNotificationPreferencesDto): Promise<NotificationPreferencesDto> {
    return this.preferences.update(ctx, dto);
  }
}

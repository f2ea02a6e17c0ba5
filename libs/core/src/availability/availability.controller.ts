import { Body, Controller, Get, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import { SessionDto } from '../sessions/dto/session.dto';
import { AvailabilityService } from './availability.service';
import { AvailabilityDto, CreateBookingDto, PutAvailabilityDto, SlotListDto, SlotsQuery } from './dto/availability.dto';

@ApiTags('booking')
@Controller('v1')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  /** A coach's weekly hours, date overrides, buffer, notice and horizon; owners, coaches, and the coach's clients. */
  @Get('users/:id/availability')
  get(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<AvailabilityDto> {
    return this.availability.get(ctx, id);
  }

  /** Replaces a coach's availability: the owner, or the coach themself; overlapping ranges on one day are 400. */
  @Put('users/:id/availability')
  @Roles('owner', 'coach')
  put(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: PutAvailabilityDto): Promise<AvailabilityDto> {
    return this.availability.put(ctx, id, dto);
  }

  /** Free start times of the engagement's coach, every 15 minutes of their local time, in a window of at most 62 days. */
  @Get('engagements/:id/slots')
  slots(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: SlotsQuery): Promise<SlotListDto> {
    return this.availability.slots(ctx, id, q);
  }

  /** Books a free slot as a session of the engagement (the client, or a coach); taken, too soon or too far is 409 slot-unavailable. */
  @Post('engagements/:id/bookings')
  book(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateBookingDto): Promise<SessionDto> {
    return this.availability.book(ctx, id, dto);
  }
}

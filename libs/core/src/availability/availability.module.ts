import { Module } from '@nestjs/common';
import { CoachingModule } from '../coaching.module';
import { IdentityModule } from '../identity.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AvailabilityController } from './availability.controller';
import { AvailabilityRepository } from './availability.repository';
import { AvailabilityService } from './availability.service';

/** Booking: coaches' availability, the free slots it leaves, and clients booking them. */
@Module({
  imports: [IdentityModule, CoachingModule, SessionsModule],
  controllers: [AvailabilityController],
  providers: [AvailabilityService, AvailabilityRepository],
  exports: [AvailabilityService, AvailabilityRepository],
})
export class AvailabilityModule {}

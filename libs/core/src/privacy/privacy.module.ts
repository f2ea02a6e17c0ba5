import { Module } from '@nestjs/common';
import { CoachingModule } from '../coaching.module';
import { IdentityModule } from '../identity.module';
import { OwnExportController, PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';

/** A client's data rights: export of everything held about them, and erasure. */
@Module({
  imports: [IdentityModule, CoachingModule],
  controllers: [PrivacyController, OwnExportController],
  providers: [PrivacyService],
})
export class PrivacyModule {}

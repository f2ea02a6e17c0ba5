import { Module } from '@nestjs/common';
import { CoachingModule } from '../coaching.module';
import { IdentityModule } from '../identity.module';
import { ReviewsController } from './reviews.controller';
import { ReviewsRepository } from './reviews.repository';
import { ReviewsService } from './reviews.service';

/** Periodic and ad-hoc reviews of an engagement's goals; the scheduler opens periodic ones through ReviewsService. */
@Module({
  imports: [IdentityModule, CoachingModule],
  providers: [ReviewsService, ReviewsRepository],
  exports: [ReviewsService, ReviewsRepository],
})
export class ReviewsModule {}

/** The API's side of reviews. */
@Module({ imports: [ReviewsModule], controllers: [ReviewsController] })
export class ReviewsHttpModule {}

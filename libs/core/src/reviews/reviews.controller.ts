import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import { CompleteReviewDto, CreateReviewDto, ReviewDetailDto, ReviewPage, ReviewsQuery, SubmitReviewDto } from './dto/review.dto';
import { ReviewsService } from './reviews.service';

@ApiTags('reviews')
@Controller('v1')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  /** Newest period first. */
  @Get('engagements/:id/reviews')
  list(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: ReviewsQuery): Promise<ReviewPage> {
    return this.reviews.list(ctx, id, q);
  }

  /** An ad-hoc review, open at once; periodic ones are opened by the scheduler. */
  @Post('engagements/:id/reviews')
  @Roles('owner', 'coach')
  create(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateReviewDto): Promise<ReviewDetailDto> {
    return this.reviews.create(ctx, id, dto);
  }

  /** With entries, coach notes and, per goal, the period's metric changes and completed milestones. */
  @Get('reviews/:id')
  get(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<ReviewDetailDto> {
    return this.reviews.get(ctx, id);
  }

  /** The client rates each active goal, once. */
  @Post('reviews/:id/submit')
  @HttpCode(200)
  @Roles('client')
  submit(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: SubmitReviewDto): Promise<ReviewDetailDto> {
    return this.reviews.submit(ctx, id, dto);
  }

  /** The coach's adjustment per goal: keep, revise (back to draft), achieved, abandon. */
  @Post('reviews/:id/complete')
  @HttpCode(200)
  @Roles('owner', 'coach')
  complete(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CompleteReviewDto): Promise<ReviewDetailDto> {
    return this.reviews.complete(ctx, id, dto);
  }
}

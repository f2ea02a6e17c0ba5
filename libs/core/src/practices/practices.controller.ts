import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, Roles } from '@app/common';
import { PracticeDto, UpdatePracticeDto } from './dto/practice.dto';
import { PracticesService } from './practices.service';

@ApiTags('practice')
@Controller('v1/practice')
export class PracticesController {
  constructor(private readonly practices: PracticesService) {}

  /** The caller's practice and its settings. */
  @Get()
  get(@Ctx() ctx: AuthContext): Promise<PracticeDto> {
    return this.practices.get(ctx);
  }

  /** Changes the practice's settings (owner). */
  @Patch()
  @Roles('owner')
  update(@Ctx() ctx: AuthContext, @Body() dto: UpdatePracticeDto): Promise<PracticeDto> {
    return this.practices.update(ctx, dto);
  }
}

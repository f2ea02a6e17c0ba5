import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthContext, Ctx, IdParam, Roles } from '@app/common';
import { CreateJournalEntryDto, JournalEntryDto, JournalPage, JournalQuery, UpdateJournalEntryDto } from './dto/journal.dto';
import { JournalService } from './journal.service';

@ApiTags('journal')
@Controller('v1')
export class JournalController {
  constructor(private readonly journal: JournalService) {}

  /** The client writes an entry, shared with their coach or kept private. */
  @Post('engagements/:id/journal')
  @Roles('client')
  create(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: CreateJournalEntryDto): Promise<JournalEntryDto> {
    return this.journal.create(ctx, id, dto);
  }

  /** Newest first: the client sees all of theirs, a coach or owner only shared entries. */
  @Get('engagements/:id/journal')
  list(@Ctx() ctx: AuthContext, @IdParam() id: string, @Query() q: JournalQuery): Promise<JournalPage> {
    return this.journal.list(ctx, id, q);
  }

  /** One entry: its client's, or a shared one for the coach. */
  @Get('journal/:id')
  get(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<JournalEntryDto> {
    return this.journal.get(ctx, id);
  }

  /** The client edits or shares or unshares an entry; unsharing hides it from the coach at once. */
  @Patch('journal/:id')
  @Roles('client')
  update(@Ctx() ctx: AuthContext, @IdParam() id: string, @Body() dto: UpdateJournalEntryDto): Promise<JournalEntryDto> {
    return this.journal.update(ctx, id, dto);
  }

  /** The client deletes an entry. */
  @Delete('journal/:id')
  @HttpCode(204)
  @Roles('client')
  remove(@Ctx() ctx: AuthContext, @IdParam() id: string): Promise<void> {
    return this.journal.remove(ctx, id);
  }
}

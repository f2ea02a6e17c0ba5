import { Module } from '@nestjs/common';
import { CoachingModule } from '../coaching.module';
import { IdentityModule } from '../identity.module';
import { JournalController } from './journal.controller';
import { JournalRepository } from './journal.repository';
import { JournalService } from './journal.service';

/** The client's journal; agendas and exports read shared entries through JournalRepository. */
@Module({
  imports: [IdentityModule, CoachingModule],
  providers: [JournalService, JournalRepository],
  exports: [JournalService, JournalRepository],
})
export class JournalModule {}

/** The API's side of the journal. */
@Module({ imports: [JournalModule], controllers: [JournalController] })
export class JournalHttpModule {}

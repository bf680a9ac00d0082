import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InboxController } from './inbox.controller';
import { INBOX, InboxSchema } from './inbox.schema';
import { InboxRepository } from './inbox.repository';

@Module({
  imports: [MongooseModule.forFeature([{ name: INBOX, schema: InboxSchema }])],
  controllers: [InboxController],
  providers: [InboxRepository],
  exports: [InboxRepository],
})
export class InboxModule {}

import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { NOTICE, NoticeSchema } from './notice.schema';
import { NoticeRepository } from './notice.repository';

@Module({
  imports: [MongooseModule.forFeature([{ name: NOTICE, schema: NoticeSchema }])],
  providers: [NoticeRepository],
  exports: [NoticeRepository],
})
export class NoticesModule {}

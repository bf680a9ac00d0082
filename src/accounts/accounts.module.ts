import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ACCOUNT, AccountSchema } from './account.schema';
import { AccountRepository } from './account.repository';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { GROUP, GroupSchema } from './group.schema';
import { GroupRepository } from './group.repository';
import { MEMBER, MemberSchema } from './member.schema';
import { MemberRepository } from './member.repository';
import { IdMigration } from './migrate-ids';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ACCOUNT, schema: AccountSchema },
      { name: MEMBER, schema: MemberSchema },
      { name: GROUP, schema: GroupSchema },
    ]),
  ],
  controllers: [AccountsController],
  providers: [AccountRepository, MemberRepository, GroupRepository, AccountsService, IdMigration],
  exports: [AccountRepository, MemberRepository, GroupRepository, AccountsService],
})
export class AccountsModule {}

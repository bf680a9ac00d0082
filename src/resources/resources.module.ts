import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { RESOURCE, ResourceSchema } from './resource.schema';
import { ResourceRepository } from './resource.repository';
import { ResourcesController } from './resources.controller';
import { ResourcesService } from './resources.service';
import { TOMBSTONE, TombstoneSchema } from './tombstone.schema';
import { TombstoneRepository } from './tombstone.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: RESOURCE, schema: ResourceSchema },
      { name: TOMBSTONE, schema: TombstoneSchema },
    ]),
    AccountsModule,
  ],
  controllers: [ResourcesController],
  providers: [ResourceRepository, ResourcesService, TombstoneRepository],
  exports: [ResourceRepository, ResourcesService, TombstoneRepository],
})
export class ResourcesModule {}

import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { RESOURCE, ResourceSchema } from './resource.schema';
import { ResourceRepository } from './resource.repository';
import { ResourcesController } from './resources.controller';
import { ResourcesService } from './resources.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: RESOURCE, schema: ResourceSchema }]), AccountsModule],
  controllers: [ResourcesController],
  providers: [ResourceRepository, ResourcesService],
  exports: [ResourceRepository, ResourcesService],
})
export class ResourcesModule {}

import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthModule } from '../auth/auth.module';
import { DevController } from './dev.controller';

@Module({ imports: [AccountsModule, AuthModule], controllers: [DevController] })
export class DevModule {}

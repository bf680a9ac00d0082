import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsModule } from '../accounts/accounts.module';
import { API_KEY, ApiKeySchema } from './api-key.schema';
import { ApiKeyBootstrap } from './api-key.bootstrap';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { KeysController } from './keys.controller';
import { TokensService } from './tokens.service';

@Module({
  imports: [JwtModule.register({}), MongooseModule.forFeature([{ name: API_KEY, schema: ApiKeySchema }]), AccountsModule],
  controllers: [KeysController],
  providers: [ApiKeyRepository, ApiKeysService, TokensService, Authenticator, ApiKeyBootstrap, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeyRepository, TokensService, Authenticator],
})
export class AuthModule {}

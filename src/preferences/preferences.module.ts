import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { ContactsController } from './contacts.controller';
import { PreferencesController } from './preferences.controller';
import { PreferencesService } from './preferences.service';
import { VerificationService } from './verification.service';

@Module({
  imports: [AccountsModule, SubscriptionsModule, DeliveryModule],
  controllers: [PreferencesController, ContactsController],
  providers: [PreferencesService, VerificationService],
})
export class PreferencesModule {}

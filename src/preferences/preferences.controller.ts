import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { quietHours, timeZone } from '../accounts/accounts.dto';
import { LOCALES } from '../accounts/member.schema';
import { Auth, CurrentPrincipal } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { idString, IdParam, openApiSchema, ZodPipe } from '../common/validation';
import { CHANNELS, MESSAGE_TYPES } from '../lifecycle/message-types';
import { memberScope } from './member-access';
import { PreferencesService } from './preferences.service';

const putPreferences = z
  .object({
    locale: z.enum(LOCALES).optional(),
    timeZone: timeZone.optional(),
    quietHours: quietHours.nullable().optional(),
    channels: z.partialRecord(z.enum(MESSAGE_TYPES), z.partialRecord(z.enum(CHANNELS), z.boolean())).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one preference');
const accountQuery = z.object({ accountId: idString.optional() });

@ApiTags('preferences')
@Controller('v1/members/:memberId/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  @Auth('member', 'service')
  @ApiOperation({ summary: 'My preferences: language, time zone, quiet hours, contacts, and per type which channels reach me' })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  get(
    @IdParam('memberId') memberId: string,
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.preferences.get(memberScope(p, memberId, q.accountId), memberId);
  }

  @Put()
  @Auth('member', 'service')
  @ApiOperation({ summary: 'Change my preferences; a type’s mandatory channels cannot be switched off' })
  @ApiQuery({ name: 'accountId', required: false, description: 'required with a service key' })
  @ApiBody({ schema: openApiSchema(putPreferences) })
  put(
    @IdParam('memberId') memberId: string,
    @Query(new ZodPipe(accountQuery)) q: z.output<typeof accountQuery>,
    @Body(new ZodPipe(putPreferences)) body: z.output<typeof putPreferences>,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.preferences.update(memberScope(p, memberId, q.accountId), memberId, body);
  }
}

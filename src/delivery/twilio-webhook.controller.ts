import {
  Body,
  Controller,
  ForbiddenException,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Req,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { Public } from '../common/auth/auth.decorators';
import { WallClock } from '../common/clock';
import { ZodPipe } from '../common/validation';
import { CONFIG, Config } from '../config/config';
import { verifyTwilioSignature } from './channels/sms/twilio-signature';
import { TWILIO_MESSAGE_SID, TWILIO_STATUSES } from './channels/sms/twilio-status';
import { DeliveryRepository } from './delivery.repository';

/** The fields Herald reads from a status callback, bounded; Twilio sends more, which the signature covers and Herald ignores. */
const statusCallback = z.object({
  MessageSid: z.string().regex(TWILIO_MESSAGE_SID, 'must be a Twilio message SID: SM or MM and 32 hexadecimal digits'),
  MessageStatus: z.enum(TWILIO_STATUSES, { error: `must be one of ${TWILIO_STATUSES.join(', ')}` }),
  ErrorCode: z
    .string()
    .regex(/^\d{0,6}$/, 'must be a Twilio error code of up to 6 digits')
    .optional()
    .transform((v) => v || null),
});
const parseCallback = new ZodPipe(statusCallback);

/** A decoded form has string fields only (a repeated field is a list of strings): anything else is not a form. */
const isFormFields = (body: unknown): body is Record<string, string> =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  Object.values(body).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')));

/**
 * Twilio's message status callbacks. Authenticated by `X-Twilio-Signature` (HMAC of the public URL and
 * the form fields with the auth token), not by Herald credentials; a bad signature is a 403. Only form
 * bodies reach it (anything else is a 415 before parsing, see request-body.ts).
 */
@Controller('v1/webhooks/twilio')
export class TwilioWebhookController {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly wall: WallClock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Public()
  @Post('status')
  @HttpCode(204)
  @ApiExcludeEndpoint()
  async status(@Req() req: Request, @Body() body: unknown, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    if (!this.config.sms) throw new NotFoundException('SMS is not configured');
    const fields = body ?? {};
    if (!isFormFields(fields)) throw new UnsupportedMediaTypeException('Content-Type: must be application/x-www-form-urlencoded');
    const url = `${this.config.publicUrl}${req.originalUrl}`;
    if (!verifyTwilioSignature(this.config.sms.authToken, url, fields, signature))
      throw new ForbiddenException('invalid X-Twilio-Signature');
    const callback = parseCallback.transform(fields);
    const delivery = await this.deliveries.findByProviderMessageId(callback.MessageSid);
    if (!delivery) return;
    await this.deliveries.recordProviderStatus(
      delivery.accountId,
      delivery.id,
      callback.MessageStatus,
      callback.ErrorCode,
      this.wall.now(),
    );
  }
}

import { Body, Controller, ForbiddenException, Headers, HttpCode, Inject, NotFoundException, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { WallClock } from '../common/clock';
import { CONFIG, Config } from '../config/config';
import { verifyTwilioSignature } from './channels/sms/twilio-signature';
import { DeliveryRepository } from './delivery.repository';

/**
 * Twilio's message status callbacks. Authenticated by `X-Twilio-Signature` (HMAC of the public URL and
 * the form fields with the auth token), not by Herald credentials; a bad signature is a 403.
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
  async status(
    @Req() req: Request,
    @Body() body: Record<string, string>,
    @Headers('x-twilio-signature') signature: string | undefined,
  ): Promise<void> {
    if (!this.config.sms) throw new NotFoundException('SMS is not configured');
    const url = `${this.config.publicUrl}${req.originalUrl}`;
    if (!verifyTwilioSignature(this.config.sms.authToken, url, body ?? {}, signature))
      throw new ForbiddenException('invalid X-Twilio-Signature');
    const sid = body.MessageSid;
    const status = body.MessageStatus;
    if (!sid || !status) return;
    const delivery = await this.deliveries.findByProviderMessageId(sid);
    if (!delivery) return;
    await this.deliveries.recordProviderStatus(delivery.accountId, delivery.id, status, body.ErrorCode ?? null, this.wall.now());
  }
}

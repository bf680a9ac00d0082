import { Controller, Get, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Public } from '../common/auth/auth.decorators';
import { CONFIG, Config } from '../config/config';
import { MetricsService } from './metrics.service';

const digest = (value: string) => createHash('sha256').update(value).digest();

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  /** The digest of `Bearer <METRICS_TOKEN>`: digests have one length, so the comparison takes the same time whatever was sent. */
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(CONFIG) config: Config,
  ) {
    this.expected = config.metricsToken ? digest(`Bearer ${config.metricsToken}`) : null;
  }

  @Public()
  @Get()
  scrape(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (this.expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), this.expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('send Authorization: Bearer <METRICS_TOKEN>');
    }
    // Set here rather than by @Header, which would also label the JSON of a 401 as text.
    res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    return this.metrics.registry.metrics();
  }
}

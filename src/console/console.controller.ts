import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { Asset, StaticAssets } from './static-assets';

// The page talks only to Herald itself; the member token stays out of reach of other origins' scripts.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The message center console: one static page (index.html for /console and every deep link under it) whose
 * script reads and writes everything through the JSON API with the member's bearer token.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly index: Asset;

  constructor(private readonly assets: StaticAssets) {
    const page = assets.get('index.html')!;
    const body = Buffer.from(page.body.toString('utf8').replaceAll('__ASSETS__', `/console/assets/${assets.version}`));
    this.index = { ...page, body, etag: `"${assets.version}"` };
  }

  // Declared before the catch-all so asset paths never fall through to the page.
  @Public()
  @Get('assets/*path')
  asset(@Req() req: Request, @Res() res: Response): void {
    const [, , version, ...rest] = req.path.split('/').slice(1);
    const file = this.assets.get(rest.join('/'));
    if (!file || rest.includes('..')) throw new NotFoundException(`console asset ${req.path} not found`);
    // An old page may ask for the previous version's files: serve the current ones, but do not let them stick.
    this.send(req, res, file, version === this.assets.version ? IMMUTABLE : 'no-cache');
  }

  @Public()
  @Get(['', '*path'])
  page(@Req() req: Request, @Res() res: Response): void {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    this.send(req, res, this.index, 'no-cache');
  }

  private send(req: Request, res: Response, file: Asset, cacheControl: string): void {
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', file.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === file.etag) {
      res.status(304).end();
      return;
    }
    res.type(file.type).send(file.body);
  }
}

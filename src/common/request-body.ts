import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { asHttpException } from './exception.filter';
import { ValidationFailed } from './validation';

/** JSON for the API; forms only for provider callbacks (Twilio). */
const READABLE = ['application/json', 'application/x-www-form-urlencoded'];

/**
 * Request bodies: JSON and forms up to `limit`. A body of another type is a 415 rather than being
 * ignored (which would report every field as missing), and the parsers' errors reach the exception
 * filter as HTTP exceptions: Nest would otherwise turn a JSON syntax error into a 400 naming no field.
 */
export function useRequestBodies(app: NestExpressApplication, limit: string): void {
  // Express decodes path parameters after matching a route and answers a malformed one with a bare 400 of its own.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    try {
      decodeURIComponent(req.path);
      next();
    } catch {
      next(new ValidationFailed([{ field: 'path', message: 'has a malformed percent-encoding' }]));
    }
  });
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(READABLE)) next(new UnsupportedMediaTypeException('Content-Type: must be application/json'));
    else next();
  });
  app.useBodyParser('json', { limit });
  app.useBodyParser('urlencoded', { limit, extended: false });
  app.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => next(asHttpException(err) ?? err));
}

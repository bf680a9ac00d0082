import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { asHttpException } from './exception.filter';
import { ValidationFailed } from './validation';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** The routes that take forms, and forms only: provider callbacks (Twilio posts its status callbacks as forms). */
export const FORM_PATHS = new Set(['/v1/webhooks/twilio/status']);

/** Routing ignores case and a trailing slash, so the choice of body type does too. */
const takesForm = (req: Request) => FORM_PATHS.has(req.path.toLowerCase().replace(/\/+$/, ''));

/** The media type a request says its body has, for an error message: bounded, and only if it looks like one. */
function declaredType(req: Request): string {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!type) return 'none';
  return /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/.test(type) ? type : 'not a media type';
}

/**
 * Request bodies up to `limit`: JSON on every route but the form routes, which take forms only. A body of
 * another type is a 415 naming the Content-Type rather than being ignored (which would report every field as
 * missing) or read as something the route does not expect, and the parsers' errors reach the exception
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
    const expected = takesForm(req) ? FORM_TYPE : JSON_TYPE;
    if (hasBody && !req.is(expected))
      next(new UnsupportedMediaTypeException(`Content-Type: must be ${expected} on this route, not ${declaredType(req)}`));
    else next();
  });
  // Each parser also checks the route itself, so no ordering of middleware can hand a route the other kind of body.
  app.useBodyParser('json', { limit, type: (req) => !takesForm(req as Request) && Boolean((req as Request).is(JSON_TYPE)) });
  app.useBodyParser('urlencoded', {
    limit,
    extended: false,
    type: (req) => takesForm(req as Request) && Boolean((req as Request).is(FORM_TYPE)),
  });
  app.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => next(asHttpException(err) ?? err));
}

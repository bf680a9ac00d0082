import { UnauthorizedException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Authenticator, CREDENTIALS_HINT } from './authenticator';

/** The routes whose bodies come from callers without Herald credentials: provider callbacks and development sign-in. */
export const OPEN_BODY_PATHS = ['/v1/webhooks/', '/v1/dev/'];

/**
 * Express middleware that runs before the body parsers: a request with a body and without valid
 * credentials is refused before a byte of it is parsed, so anonymous megabyte posts cost Herald nothing.
 * The guard later reuses the principal found here.
 */
export function authenticateBeforeBody(authenticator: Authenticator) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    // Without a body there is nothing to protect here: the guard authenticates the routes that need it, and
    // only those (an Authorization header on a public route, such as METRICS_TOKEN on /metrics, is not a member's).
    const path = req.path.toLowerCase();
    if (!hasBody || OPEN_BODY_PATHS.some((p) => path.startsWith(p))) return next();
    authenticator.principalOf(req).then((principal) => (principal ? next() : next(new UnauthorizedException(CREDENTIALS_HINT))), next);
  };
}

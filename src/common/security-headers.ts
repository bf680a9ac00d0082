import type { NextFunction, Request, Response } from 'express';

/**
 * Headers on every response, set before anything else runs so that errors of the body parsers and 404s
 * carry them too: no content sniffing, and nothing a caller's credentials unlocked kept in a cache.
 * A handler may still set its own Cache-Control (the console's static files keep theirs).
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.headers['x-api-key'] !== undefined || req.headers.authorization !== undefined) res.setHeader('Cache-Control', 'no-store');
  next();
}

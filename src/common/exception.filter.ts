import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ValidationFailed } from './validation';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/**
 * The one place that turns exceptions into responses: HTTP exceptions keep their status and message
 * (validation failures also list `fields`), body-parser errors become 400/413, anything else is a 500
 * with an error id that appears in the log next to the stack, which never reaches the client.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  constructor(@InjectPinoLogger('Errors') private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    if (res.headersSent) return;

    const httpException = asHttpException(exception);
    if (httpException) {
      const status = httpException.getStatus();
      const body = httpException.getResponse();
      const payload = typeof body === 'string' ? { message: body } : (body as Record<string, unknown>);
      if (status === HttpStatus.TOO_MANY_REQUESTS && typeof payload.retryAfter === 'number')
        res.setHeader('Retry-After', String(payload.retryAfter));
      res.status(status).json({ statusCode: status, error: errorName(status), ...payload });
      return;
    }

    const errorId = randomUUID();
    this.logger.error({ errorId, method: req.method, path: req.path, err: exception }, `unhandled error ${errorId}`);
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error', errorId });
  }
}

/** HTTP exceptions as they are; errors of Express middleware (the body parsers) by their 4xx status, a body that cannot be read naming the body. */
export function asHttpException(exception: unknown): HttpException | null {
  if (exception instanceof HttpException) return exception;
  const parserError = exception as BodyParserError | null;
  if (typeof parserError?.status !== 'number' || parserError.status < 400 || parserError.status >= 500) return null;
  if (parserError.type === 'entity.too.large')
    return new PayloadTooLargeException(`request body exceeds the limit of ${parserError.limit} bytes`);
  if (parserError.type && parserError.status === 400) {
    const problem = parserError.type === 'entity.parse.failed' ? `not valid JSON (${parserError.message})` : String(parserError.message);
    return new ValidationFailed([{ field: 'body', message: problem }]);
  }
  return new HttpException(parserError.message ?? errorName(parserError.status), parserError.status);
}

function errorName(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .toLowerCase()
        .replace(/_/g, ' ')
        .replace(/\b\w/g, (c) => c.toUpperCase())
    : 'Error';
}

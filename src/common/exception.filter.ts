import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

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

    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const payload = typeof body === 'string' ? { message: body } : (body as Record<string, unknown>);
      res.status(status).json({ statusCode: status, error: errorName(status), ...payload });
      return;
    }

    const parserError = exception as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      res
        .status(413)
        .json({ statusCode: 413, error: 'Payload Too Large', message: `request body exceeds the limit of ${parserError.limit} bytes` });
      return;
    }
    if (parserError?.type === 'entity.parse.failed') {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'body: not valid JSON' });
      return;
    }
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      res
        .status(parserError.status)
        .json({ statusCode: parserError.status, error: errorName(parserError.status), message: parserError.message });
      return;
    }

    const errorId = randomUUID();
    this.logger.error({ errorId, method: req.method, path: req.path, err: exception }, `unhandled error ${errorId}`);
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error', errorId });
  }
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

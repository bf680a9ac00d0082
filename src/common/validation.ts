import { applyDecorators, BadRequestException, Param, PipeTransform } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

/** `events[3].data.expiresAt`: the path a client can find in the body it sent. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(body)';
}

export function problemsOf(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path, prefix), message: issue.message }));
}

/** A 400 whose message names each bad field; the exception filter passes `fields` through. */
export class ValidationFailed extends BadRequestException {
  constructor(readonly fields: FieldProblem[]) {
    super({ message: fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields });
  }
}

/** Validates one request part (body, query, params) against a zod schema. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly prefix = '',
  ) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value ?? {});
    if (!parsed.success) throw new ValidationFailed(problemsOf(parsed.error, this.prefix));
    return parsed.data;
  }
}

/** JSON schema of a request shape for the OpenAPI document (from the same zod schema that validates it). */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Identifiers chosen by upstream systems: printable, no spaces, bounded. */
export const idString = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'must be letters, digits and . _ : @ - only');

/** A path parameter validated as an id; errors name the parameter. */
export const IdParam = (name: string) => Param(name, new ZodPipe(idString, name));

/** How far a paged list may be read: deeper pages cost a skip over every document before them. */
export const MAX_OFFSET = 1_000_000;

/** A list's page size: `byDefault` when the caller names none, never more than `max`. */
export interface PageSize {
  byDefault: number;
  max: number;
}

/** `limit` and `offset` of a paged list, to spread into its query schema: `z.object({ ...filters, ...pageParams(size) })`. */
export function pageParams(size: PageSize) {
  return {
    limit: z.coerce.number().int().min(1).max(size.max).default(size.byDefault),
    offset: z.coerce.number().int().min(0).max(MAX_OFFSET).default(0),
  };
}

/** The OpenAPI description of `pageParams(size)`. */
export function ApiPageQuery(size: PageSize) {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: size.max, default: size.byDefault } }),
    ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 } }),
  );
}

/** The instants Herald takes (epoch milliseconds, inclusive): dates outside are typos or attempts to pin state, never real. */
export const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT = Date.UTC(2200, 0, 1);

/** An ISO 8601 date-time with an offset between 1970-01-01 and 2200-01-01 (UTC): every date a request carries. */
export const instant = z.iso
  // abort: a string that is no date-time gets that one message, not a range message as well.
  .datetime({ offset: true, abort: true, error: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T10:30:00+08:00' })
  .refine((v) => {
    const ms = Date.parse(v);
    return ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT;
  }, 'must be between 1970-01-01T00:00:00Z and 2200-01-01T00:00:00Z');

/**
 * C0 and C1 control characters (NUL included) and the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which make a name read differently from what it says in SMS, email and the inbox.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Names and free text shown to people: a string with an unsafe character is rejected, not stripped, so the
 * sender learns its text is not what will be shown. Chain the length rules: `text.trim().min(1).max(100)`.
 */
export const text = z
  .string()
  .refine((v) => !UNSAFE_CHARACTERS.test(v), 'must not contain control characters or bidirectional override or isolate characters');

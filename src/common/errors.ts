import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';

/** Another account's data answers exactly like data that does not exist. */
export const notFound = (what: string, id: string) => new NotFoundException(`${what} ${id} not found`);
export const forbidden = (why: string) => new ForbiddenException(why);
export const conflict = (why: string) => new ConflictException(why);

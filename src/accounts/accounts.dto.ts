import { IANAZone } from 'luxon';
import { z } from 'zod';
import { idString, PageSize, pageParams, text } from '../common/validation';
import { ROLES } from '../lifecycle/message-types';
import { LOCALES } from './member.schema';

export const timeZone = z.string().refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Asia/Shanghai');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:mm');
/** A member's quiet window, local times; it may cross midnight. */
export const quietHours = z.object({ start: hhmm, end: hhmm }).refine((q) => q.start !== q.end, 'start and end must differ');

const contact = <S extends z.ZodType<string>>(value: S) => z.object({ value, verified: z.boolean().optional() }).nullable().optional();

export const emailValue = z.email({ error: 'must be an email address' });
export const phoneValue = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613800138000');

export const contactsInput = z.object({
  email: contact(emailValue),
  phone: contact(phoneValue),
  wechat: contact(z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be a WeChat openid')),
});

const scope = z
  .object({ products: z.array(idString).max(100).default([]), resourceIds: z.array(idString).max(1000).default([]) })
  .refine(
    (s) => s.products.length + s.resourceIds.length > 0,
    'must name at least one product or resource (omit scope for a global collaborator)',
  );

const memberFields = {
  name: text.trim().min(1).max(100),
  roles: z
    .array(z.enum(ROLES))
    .min(1)
    .refine((r) => new Set(r).size === r.length, 'must not repeat a role')
    .refine((r) => !r.includes('receiver') || r.length === 1, 'receiver (receive-only) cannot be combined with other roles'),
  scope: scope.nullable().optional(),
  contacts: contactsInput.optional(),
  locale: z.enum(LOCALES).optional(),
  timeZone: timeZone.optional(),
  quietHours: quietHours.nullable().optional(),
};

const scopeOnlyForCollaborators = (m: { roles?: string[]; scope?: unknown }) =>
  !m.scope || !m.roles || m.roles.includes('resource_collaborator');
const scopeRule = { path: ['scope'], message: 'applies to resource collaborators only' };

export const createMemberInput = z.object({ id: idString.optional(), ...memberFields }).refine(scopeOnlyForCollaborators, scopeRule);
export const updateMemberInput = z
  .object(memberFields)
  .partial()
  .refine((m) => Object.keys(m).length > 0, 'must change at least one field')
  .refine(scopeOnlyForCollaborators, scopeRule);

export const putAccountInput = z.object({
  name: text.trim().min(1).max(200),
  customerLevel: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,16}$/, 'must be a level name such as V0 or V3')
    .optional(),
  timeZone: timeZone.optional(),
  creator: z.object({ id: idString.optional(), ...memberFields, roles: memberFields.roles.optional() }).optional(),
});

export const groupInput = z.object({
  id: idString.optional(),
  name: text.trim().min(1).max(100),
  memberIds: z.array(idString).max(1000).default([]),
});
// memberIds without its default: a rename alone keeps the group's members.
export const updateGroupInput = z
  .object({ name: groupInput.shape.name, memberIds: groupInput.shape.memberIds.removeDefault() })
  .partial()
  .refine((g) => Object.keys(g).length > 0, 'must change at least one field');

/** The members and groups lists, paged like the other lists (the console reads them `max` at a time). */
export const MEMBERS_PAGE: PageSize = { byDefault: 50, max: 200 };
export const pageQuery = z.object(pageParams(MEMBERS_PAGE));

export type CreateMemberInput = z.output<typeof createMemberInput>;
export type UpdateMemberInput = z.output<typeof updateMemberInput>;
export type PutAccountInput = z.output<typeof putAccountInput>;
export type ContactsInput = z.output<typeof contactsInput>;
export type PageQuery = z.output<typeof pageQuery>;

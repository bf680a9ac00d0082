import type { Role } from '../../lifecycle/message-types';

/** Who is calling: an upstream/operator service with an API key, or a member with a bearer token. */
export type Principal =
  { kind: 'service'; keyId: string; name: string } | { kind: 'member'; accountId: string; memberId: string; roles: Role[] };

export type MemberPrincipal = Extract<Principal, { kind: 'member' }>;
export type PrincipalKind = Principal['kind'];

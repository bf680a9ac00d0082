import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assertAccountAccess, assertCreator } from '../common/auth/access';
import type { Principal } from '../common/auth/principal';
import { Clock } from '../common/clock';
import { conflict, notFound } from '../common/errors';
import { CONFIG, Config } from '../config/config';
import { Account, AccountRepository } from './account.repository';
import type { ContactsInput, CreateMemberInput, PageQuery, PutAccountInput, UpdateMemberInput } from './accounts.dto';
import { GroupRepository } from './group.repository';
import { Member, MemberFields, MemberRepository } from './member.repository';
import type { MemberDoc } from './member.schema';

const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;

@Injectable()
export class AccountsService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly members: MemberRepository,
    private readonly groups: GroupRepository,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async putAccount(
    accountId: string,
    input: PutAccountInput,
    principal: Principal,
  ): Promise<{ account: Account; creator: Member | null; created: boolean }> {
    const roles = input.creator?.roles ?? ['creator'];
    if (!roles.includes('creator'))
      throw new BadRequestException({
        message: 'creator.roles: must include creator',
        fields: [{ field: 'creator.roles', message: 'must include creator' }],
      });
    const now = this.clock.now();
    const existing = await this.accounts.get(accountId);
    const profile = {
      name: input.name,
      customerLevel: input.customerLevel ?? existing?.customerLevel ?? 'V0',
      timeZone: input.timeZone ?? existing?.timeZone ?? this.config.defaultTimeZone,
    };
    // A new account is created first, for its creator to join; an existing one changes only once its creator is in.
    const upserted = existing ? null : await this.accounts.upsertProfile(accountId, profile, now);
    const created = upserted?.created ?? false;
    let creator: Member | null = null;
    if (input.creator) {
      const timeZone = input.creator.timeZone ?? profile.timeZone;
      try {
        creator = await this.addMember(accountId, { ...input.creator, roles, timeZone }, principal);
      } catch (err) {
        // A failed request leaves nothing behind: the account it created goes again (unless another writer took it meanwhile).
        if (created) await this.accounts.deleteUnclaimed(accountId, now);
        throw err;
      }
    }
    const account = upserted
      ? ((await this.accounts.get(accountId)) ?? upserted.account)
      : (await this.accounts.upsertProfile(accountId, profile, now)).account;
    return { account, creator, created };
  }

  async getAccount(accountId: string, principal: Principal): Promise<Account> {
    assertAccountAccess(principal, accountId);
    const account = await this.accounts.get(accountId);
    if (!account) throw notFound('account', accountId);
    return account;
  }

  async listMembers(accountId: string, page: PageQuery, principal: Principal): Promise<{ items: Member[]; total: number }> {
    assertCreator(principal, accountId);
    await this.getAccount(accountId, principal);
    return this.members.page(accountId, page);
  }

  async getMember(accountId: string, memberId: string, principal: Principal): Promise<Member> {
    const self = principal.kind === 'member' && principal.accountId === accountId && principal.memberId === memberId;
    if (!self) assertCreator(principal, accountId);
    const member = await this.members.get(accountId, memberId);
    if (!member) throw notFound('member', memberId);
    return member;
  }

  async addMember(accountId: string, input: CreateMemberInput, principal: Principal): Promise<Member> {
    assertCreator(principal, accountId);
    const account = await this.getAccount(accountId, principal);
    const memberId = input.id ?? newId('m');
    const now = this.clock.now();
    const isCreator = input.roles.includes('creator');
    if (isCreator && !(await this.accounts.claimCreator(accountId, memberId, now))) {
      throw conflict(`account ${accountId} already has a creator (${account.creatorId}); an account has exactly one`);
    }
    // A creator slot this request claimed is given back if the member cannot be added, whatever the reason.
    const release = () =>
      isCreator && account.creatorId !== memberId ? this.accounts.releaseCreator(accountId, memberId, now) : undefined;
    const fields: MemberFields = {
      name: input.name,
      roles: input.roles,
      scope: input.roles.includes('resource_collaborator') ? normaliseScope(input.scope) : null,
      contacts: contactsFrom(input.contacts, null, principal),
      locale: input.locale ?? 'zh-CN',
      timeZone: input.timeZone ?? account.timeZone,
      quietHours: input.quietHours ?? null,
    };
    const member = await this.members.insert(accountId, memberId, fields, now).catch(async (err: unknown) => {
      await release();
      throw err;
    });
    if (!member) {
      await release();
      throw conflict(`member ${memberId} already exists`);
    }
    return member;
  }

  async updateMember(accountId: string, memberId: string, input: UpdateMemberInput, principal: Principal): Promise<Member> {
    assertCreator(principal, accountId);
    const current = await this.members.get(accountId, memberId);
    if (!current) throw notFound('member', memberId);
    const now = this.clock.now();
    const roles = input.roles ?? current.roles;
    const wasCreator = current.roles.includes('creator');
    if (wasCreator && !roles.includes('creator')) throw conflict('the creator role cannot be removed: an account has exactly one creator');
    if (!wasCreator && roles.includes('creator') && !(await this.accounts.claimCreator(accountId, memberId, now))) {
      throw conflict(`account ${accountId} already has a creator; an account has exactly one`);
    }
    const patch: Partial<MemberFields> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.roles !== undefined) patch.roles = input.roles;
    if (input.scope !== undefined || input.roles !== undefined) {
      patch.scope = roles.includes('resource_collaborator')
        ? normaliseScope(input.scope !== undefined ? input.scope : current.scope)
        : null;
    }
    if (input.contacts !== undefined) patch.contacts = contactsFrom(input.contacts, current.contacts, principal);
    if (input.locale !== undefined) patch.locale = input.locale;
    if (input.timeZone !== undefined) patch.timeZone = input.timeZone;
    if (input.quietHours !== undefined) patch.quietHours = input.quietHours;
    const updated = await this.members.update(accountId, memberId, patch, now);
    if (!updated) throw notFound('member', memberId);
    return updated;
  }

  async removeMember(accountId: string, memberId: string, principal: Principal): Promise<void> {
    assertCreator(principal, accountId);
    const current = await this.members.get(accountId, memberId);
    if (!current) throw notFound('member', memberId);
    if (current.roles.includes('creator')) throw conflict('the creator cannot be removed: an account has exactly one creator');
    await this.members.delete(accountId, memberId);
    await this.groups.removeMember(accountId, memberId, this.clock.now());
  }

  async listGroups(accountId: string, page: PageQuery, principal: Principal) {
    assertCreator(principal, accountId);
    return this.groups.page(accountId, page);
  }

  async createGroup(accountId: string, input: { id?: string; name: string; memberIds: string[] }, principal: Principal) {
    assertCreator(principal, accountId);
    await this.getAccount(accountId, principal);
    await this.assertMembersExist(accountId, input.memberIds);
    const created = await this.groups.insert(
      accountId,
      input.id ?? newId('g'),
      input.name,
      [...new Set(input.memberIds)],
      this.clock.now(),
    );
    if (created === 'duplicate') throw conflict(`a group with this id or the name "${input.name}" already exists`);
    return created;
  }

  async updateGroup(accountId: string, groupId: string, input: { name?: string; memberIds?: string[] }, principal: Principal) {
    assertCreator(principal, accountId);
    if (input.memberIds) await this.assertMembersExist(accountId, input.memberIds);
    const fields = { ...input, ...(input.memberIds ? { memberIds: [...new Set(input.memberIds)] } : {}) };
    const updated = await this.groups.update(accountId, groupId, fields, this.clock.now());
    if (updated === 'duplicate') throw conflict(`a group named "${input.name}" already exists`);
    if (!updated) throw notFound('group', groupId);
    return updated;
  }

  async deleteGroup(accountId: string, groupId: string, principal: Principal): Promise<void> {
    assertCreator(principal, accountId);
    if (!(await this.groups.delete(accountId, groupId))) throw notFound('group', groupId);
  }

  private async assertMembersExist(accountId: string, memberIds: string[]): Promise<void> {
    if (!memberIds.length) return;
    const found = new Set(await this.members.countExisting(accountId, memberIds));
    const missing = memberIds.filter((id) => !found.has(id));
    if (missing.length)
      throw new BadRequestException({
        message: `memberIds: unknown members ${missing.join(', ')}`,
        fields: [{ field: 'memberIds', message: `unknown members ${missing.join(', ')}` }],
      });
  }
}

function normaliseScope(scope: { products: string[]; resourceIds: string[] } | null | undefined) {
  return scope ? { products: [...new Set(scope.products)], resourceIds: [...new Set(scope.resourceIds)] } : null;
}

/**
 * Services may declare contacts verified (upstream verified them); a member's edit of a contact value
 * always clears its verification, and an unchanged value keeps it.
 */
function contactsFrom(
  input: ContactsInput | undefined,
  current: MemberDoc['contacts'] | null,
  principal: Principal,
): MemberDoc['contacts'] {
  const out: MemberDoc['contacts'] = { email: current?.email ?? null, phone: current?.phone ?? null, wechat: current?.wechat ?? null };
  for (const kind of ['email', 'phone', 'wechat'] as const) {
    const given = input?.[kind];
    if (given === undefined) continue;
    if (given === null) {
      out[kind] = null;
      continue;
    }
    const unchanged = current?.[kind]?.value === given.value;
    const verified =
      principal.kind === 'service' && given.verified !== undefined
        ? given.verified
        : unchanged
          ? (current?.[kind]?.verified ?? false)
          : false;
    out[kind] = { value: given.value, verified };
  }
  return out;
}

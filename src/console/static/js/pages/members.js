// Members and receivers (creator): add receive-only receivers and collaborators, roles, scopes, receiver groups.
import { api, everyItem } from '../api.js';
import { announce, checkbox, data, dialog, field, h, nextId, picked, select } from '../dom.js';

const ADDABLE = ['receiver', 'resource_collaborator', 'finance_collaborator'];

export async function render(ctx) {
  const acc = `/v1/accounts/${encodeURIComponent(ctx.me.accountId)}`;
  const [members, groups, policies] = await Promise.all([everyItem(`${acc}/members`), everyItem(`${acc}/groups`), api('/v1/policies')]);
  const reload = () => ctx.update(ctx.query);
  return h(
    'section',
    { class: 'members' },
    h('div', { class: 'heading' }, h('h1', { tabindex: '-1', i18n: 'members.title' }), h('p', { class: 'sub', i18n: 'members.intro' })),
    memberTable(acc, members, policies, reload),
    addMember(acc, policies, reload),
    groupList(acc, groups, members, reload),
  );
}

function memberTable(acc, members, policies, reload) {
  return h(
    'table',
    { class: 'list stack' },
    h('caption', { class: 'sr-only', i18n: 'members.listCaption' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['members.name', 'members.roles', 'members.scope', 'members.contacts', 'members.actions'].map((k) =>
          h('th', { scope: 'col', i18n: k }),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      members.map((m) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, data(m.name)),
          h(
            'td',
            { label: 'members.roles' },
            m.roles.map((r) => h('span', { class: 'chip', i18n: `role.${r}` })),
          ),
          h('td', { label: 'members.scope' }, scopeText(m)),
          h('td', { label: 'members.contacts' }, contactChips(m)),
          h(
            'td',
            { label: 'members.actions', class: 'actions-cell' },
            m.roles.includes('creator')
              ? h('span', { class: 'muted', i18n: 'members.creatorFixed' })
              : [
                  h('button', {
                    type: 'button',
                    class: 'link',
                    i18n: 'common.edit',
                    aria: ['members.editOf', { name: m.name }],
                    onclick: () => editMember(acc, m, policies, reload),
                  }),
                  h('button', {
                    type: 'button',
                    class: 'link danger',
                    i18n: 'common.remove',
                    aria: ['members.removeOf', { name: m.name }],
                    onclick: () => removeMember(acc, m, reload),
                  }),
                ],
          ),
        ),
      ),
    ),
  );
}

function scopeText(m) {
  if (!m.roles.includes('resource_collaborator')) return h('span', { class: 'muted', i18n: 'members.noScope' });
  if (!m.scope) return h('span', { i18n: 'members.allResources' });
  return [...m.scope.products.map((p) => data(p, 'span', { class: 'chip' })), ...m.scope.resourceIds.map((id) => data(id, 'code'))];
}

function contactChips(m) {
  return ['email', 'phone', 'wechat'].map((kind) => {
    const c = m.contacts[kind];
    const state = !c ? 'none' : c.verified ? 'ok' : 'warn';
    return h(
      'span',
      { class: `chip ${state}` },
      h('span', { i18n: `contact.${kind}` }),
      ' ',
      h('span', { i18n: `members.contact.${state}` }),
    );
  });
}

/** Role choice and, for resource collaborators, their scope (products and resource ids). */
function roleFields(policies, member) {
  const roles = member?.roles ?? ['receiver'];
  const scope = member?.scope ?? null;
  const role = (r) => checkbox('roles', r, { i18n: `role.${r}` }, roles.includes(r));
  const ids = h('input', { name: 'resourceIds', value: scope?.resourceIds.join(', ') ?? '', placeholder: 'push-prod, iot-fleet' });
  const scopeSet = h(
    'fieldset',
    { hidden: !roles.includes('resource_collaborator') },
    h('legend', { i18n: 'members.scope' }),
    h('p', { class: 'hint', i18n: 'members.scopeHint' }),
    policies.map((p) => checkbox('products', p.product, p.name, scope?.products.includes(p.product))),
    field('members.resourceIds', ids, 'members.resourceIdsHint'),
  );
  // A scope applies to resource collaborators only: show it when that role is ticked.
  const roleSet = h(
    'fieldset',
    { onchange: (e) => (scopeSet.hidden = !e.currentTarget.querySelector('input[value="resource_collaborator"]').checked) },
    h('legend', { i18n: 'members.roles' }),
    ADDABLE.map(role),
    h('p', { class: 'hint', i18n: 'members.rolesHint' }),
  );
  return [roleSet, scopeSet];
}

function rolesFrom(form) {
  const roles = picked(form, 'roles');
  const products = picked(form, 'products');
  const resourceIds = form.elements.resourceIds.value.split(/[\s,]+/).filter(Boolean);
  const scope = roles.includes('resource_collaborator') && (products.length || resourceIds.length) ? { products, resourceIds } : null;
  return { roles, scope };
}

function addMember(acc, policies, reload) {
  const headingId = nextId('h');
  const name = h('input', { name: 'name', required: true, maxlength: '100', autocomplete: 'off' });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'off' });
  const phone = h('input', { name: 'phone', type: 'tel', placeholder: '+8613800138000', autocomplete: 'off' });
  const locale = select(
    ['zh-CN', 'en-US'].map((l) => ({ value: l, i18n: `locale.${l}` })),
    { name: 'locale' },
  );
  const error = h('p', { class: 'problem', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': headingId,
      onsubmit: async (e) => {
        e.preventDefault();
        const contacts = {};
        if (email.value.trim()) contacts.email = { value: email.value.trim() };
        if (phone.value.trim()) contacts.phone = { value: phone.value.trim() };
        try {
          await api(`${acc}/members`, {
            method: 'POST',
            body: { name: name.value.trim(), ...rolesFrom(form), locale: locale.value, contacts },
          });
          await reload();
          announce('members.added', { name: name.value.trim() });
        } catch (err) {
          error.hidden = false;
          error.textContent = err.message;
        }
      },
    },
    h('h2', { id: headingId, i18n: 'members.add' }),
    h('p', { class: 'hint', i18n: 'members.addHint' }),
    h('div', { class: 'row' }, field('members.name', name), field('prefs.messageLanguage', locale)),
    h('div', { class: 'row' }, field('contact.emailAddress', email), field('contact.phoneNumber', phone, 'members.phoneHint')),
    roleFields(policies, null),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', i18n: 'members.addButton' })),
  );
  return form;
}

function editMember(acc, m, policies, reload) {
  dialog(['members.editTitle', { name: m.name }], roleFields(policies, m), async (form) => {
    await api(`${acc}/members/${encodeURIComponent(m.id)}`, { method: 'PATCH', body: rolesFrom(form) });
    await reload();
    announce('common.saved');
    return true;
  });
}

function removeMember(acc, m, reload) {
  dialog(
    ['members.removeTitle', { name: m.name }],
    h('p', { i18n: 'members.removeWarning' }),
    async () => {
      await api(`${acc}/members/${encodeURIComponent(m.id)}`, { method: 'DELETE' });
      await reload();
      announce('members.removed', { name: m.name });
      return true;
    },
    'common.remove',
  );
}

function groupList(acc, groups, members, reload) {
  const headingId = nextId('h');
  const nameOf = (id) => members.find((m) => m.id === id)?.name ?? id;
  const edit = (g) =>
    dialog(
      g ? ['members.editGroup', { name: g.name }] : 'members.newGroup',
      [
        field('members.groupName', h('input', { name: 'groupName', required: true, maxlength: '100', value: g?.name ?? '' })),
        h(
          'fieldset',
          {},
          h('legend', { i18n: 'members.groupMembers' }),
          members.map((m) => checkbox('memberIds', m.id, m.name, g?.memberIds.includes(m.id))),
        ),
      ],
      async (form) => {
        const body = { name: form.elements.groupName.value.trim(), memberIds: picked(form, 'memberIds') };
        if (g) await api(`${acc}/groups/${encodeURIComponent(g.id)}`, { method: 'PATCH', body });
        else await api(`${acc}/groups`, { method: 'POST', body });
        await reload();
        announce('common.saved');
        return true;
      },
    );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId, i18n: 'members.groups' }),
    h('p', { class: 'hint', i18n: 'members.groupsHint' }),
    groups.length
      ? h(
          'ul',
          { class: 'groups' },
          groups.map((g) =>
            h(
              'li',
              {},
              data(g.name, 'strong'),
              h(
                'span',
                { class: 'chips' },
                g.memberIds.map((id) => data(nameOf(id), 'span', { class: 'chip person' })),
              ),
              h(
                'span',
                { class: 'actions-inline' },
                h('button', {
                  type: 'button',
                  class: 'link',
                  i18n: 'common.edit',
                  aria: ['members.editGroup', { name: g.name }],
                  onclick: () => edit(g),
                }),
                h('button', {
                  type: 'button',
                  class: 'link danger',
                  i18n: 'common.delete',
                  aria: ['members.deleteGroup', { name: g.name }],
                  onclick: () =>
                    dialog(
                      ['members.deleteGroup', { name: g.name }],
                      h('p', { i18n: 'members.deleteGroupWarning' }),
                      async () => {
                        await api(`${acc}/groups/${encodeURIComponent(g.id)}`, { method: 'DELETE' });
                        await reload();
                        return true;
                      },
                      'common.delete',
                    ),
                }),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted', i18n: 'members.noGroups' }),
    h('button', { type: 'button', class: 'secondary', i18n: 'members.newGroup', onclick: () => edit(null) }),
  );
}

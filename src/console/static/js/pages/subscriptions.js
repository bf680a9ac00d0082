// Message subscription (creator): message types grouped by category × channels, and who receives each type.
import { api, everyItem } from '../api.js';
import { announce, checkbox, data, dialog, h, nextId, picked } from '../dom.js';
import { CHANNELS, ROLES } from '../catalogue.js';
import { t } from '../i18n.js';

export async function render(ctx) {
  const acc = encodeURIComponent(ctx.me.accountId);
  const [subs, members, groups] = await Promise.all([
    api(`/v1/accounts/${acc}/subscriptions`),
    everyItem(`/v1/accounts/${acc}/members`),
    everyItem(`/v1/accounts/${acc}/groups`),
  ]);
  const byType = new Map(subs.types.map((s) => [s.type, s]));

  const save = async (type, change) => {
    const current = byType.get(type);
    const next = { ...current, ...change };
    try {
      const res = await api(`/v1/accounts/${acc}/subscriptions`, {
        method: 'PUT',
        body: { types: { [type]: { channels: next.channels, receivers: next.receivers, digest: next.digest } } },
      });
      for (const s of res.types) byType.set(s.type, s);
      announce('subs.saved', { type: t(`type.${type}`) });
      return true;
    } catch (err) {
      announce('common.saveFailed', { reason: err.message }, 'error');
      return false;
    }
  };

  const sections = subs.categories.map((category) => {
    const types = subs.types.filter((s) => s.category === category);
    const headingId = nextId('cat');
    return h(
      'section',
      { class: 'category', 'aria-labelledby': headingId },
      h('h2', { id: headingId, i18n: `category.${category}` }),
      h(
        'table',
        { class: 'matrix stack' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', i18n: 'subs.type' }),
            CHANNELS.map((c) => h('th', { scope: 'col', i18n: `channel.${c}` })),
            h('th', { scope: 'col', i18n: 'subs.receivers' }),
            h('th', { scope: 'col', i18n: 'subs.digest' }),
          ),
        ),
        h(
          'tbody',
          {},
          types.map((s) => row(s)),
        ),
      ),
    );
  });

  function row(s) {
    const typeName = t(`type.${s.type}`);
    const summary = h('span', { class: 'summary' });
    const paint = () => summary.replaceChildren(...receiverSummary(byType.get(s.type).receivers, members, groups));
    paint();
    return h(
      'tr',
      {},
      h('th', { scope: 'row', i18n: `type.${s.type}` }),
      CHANNELS.map((c) => {
        const mandatory = s.mandatoryChannels.includes(c);
        const box = h('input', {
          type: 'checkbox',
          checked: mandatory || s.channels.includes(c),
          disabled: mandatory,
          aria: ['subs.cell', { channel: t(`channel.${c}`), type: typeName }],
          'aria-describedby': mandatory ? 'mandatory-note' : null,
          onchange: async (e) => {
            const channels = byType.get(s.type).channels.filter((x) => x !== c);
            if (e.target.checked) channels.push(c);
            if (!(await save(s.type, { channels }))) e.target.checked = !e.target.checked;
          },
        });
        return h(
          'td',
          {
            label: `channel.${c}`,
            class: mandatory ? 'locked' : null,
            'data-i18n-title': mandatory ? 'subs.lockedTitle' : null,
            title: mandatory ? t('subs.lockedTitle') : null,
          },
          h('span', { class: 'cell' }, box, mandatory ? h('span', { class: 'lock', i18n: 'subs.locked' }) : null),
        );
      }),
      h(
        'td',
        { label: 'subs.receivers', class: 'receivers' },
        summary,
        h('button', {
          type: 'button',
          class: 'link',
          i18n: 'common.edit',
          aria: ['subs.editReceivers', { type: typeName }],
          onclick: () => editReceivers(s.type, typeName, byType.get(s.type).receivers, members, groups, save, paint),
        }),
      ),
      h(
        'td',
        { label: 'subs.digest' },
        h('input', {
          type: 'checkbox',
          checked: s.digest,
          aria: ['subs.digestOf', { type: typeName }],
          onchange: async (e) => {
            if (!(await save(s.type, { digest: e.target.checked }))) e.target.checked = !e.target.checked;
          },
        }),
      ),
    );
  }

  return h(
    'section',
    { class: 'subscriptions' },
    h('div', { class: 'heading' }, h('h1', { tabindex: '-1', i18n: 'subs.title' }), h('p', { class: 'sub', i18n: 'subs.intro' })),
    h(
      'p',
      { id: 'mandatory-note', class: 'note' },
      h('span', { class: 'lock', 'aria-hidden': 'true' }),
      ' ',
      h('span', { i18n: 'subs.mandatoryNote' }),
    ),
    sections,
  );
}

function receiverSummary(receivers, members, groups) {
  const parts = [
    ...receivers.roles.map((r) => h('span', { class: 'chip', i18n: `role.${r}` })),
    ...receivers.memberIds.map((id) => data(members.find((m) => m.id === id)?.name ?? id, 'span', { class: 'chip person' })),
    ...receivers.groupIds.map((id) => data(groups.find((g) => g.id === id)?.name ?? id, 'span', { class: 'chip group' })),
  ];
  return parts.length ? parts : [h('span', { class: 'muted', i18n: 'subs.nobody' })];
}

/** Roles, members and groups to tick, in a modal dialog. */
function editReceivers(type, typeName, receivers, members, groups, save, repaint) {
  const boxes = (name, items, chosen) => items.map((item) => checkbox(name, item.value, item.label, chosen.includes(item.value)));
  dialog(
    ['subs.receiversOf', { type: typeName }],
    [
      h(
        'fieldset',
        {},
        h('legend', { i18n: 'subs.byRole' }),
        boxes(
          'roles',
          ROLES.map((r) => ({ value: r, label: { i18n: `role.${r}` } })),
          receivers.roles,
        ),
      ),
      h(
        'fieldset',
        {},
        h('legend', { i18n: 'subs.byMember' }),
        boxes(
          'memberIds',
          members.map((m) => ({ value: m.id, label: m.name })),
          receivers.memberIds,
        ),
      ),
      h(
        'fieldset',
        {},
        h('legend', { i18n: 'subs.byGroup' }),
        groups.length
          ? boxes(
              'groupIds',
              groups.map((g) => ({ value: g.id, label: g.name })),
              receivers.groupIds,
            )
          : h('p', { class: 'muted', i18n: 'subs.noGroups' }),
      ),
    ],
    async (form) => {
      const ok = await save(type, {
        receivers: { roles: picked(form, 'roles'), memberIds: picked(form, 'memberIds'), groupIds: picked(form, 'groupIds') },
      });
      if (ok) repaint();
      return ok;
    },
  );
}

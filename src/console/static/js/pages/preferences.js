// My preferences (every member): language, time zone, quiet hours, channels per type, contact verification.
import { api } from '../api.js';
import { announce, data, field, h, nextId, select } from '../dom.js';
import { t } from '../i18n.js';
import { CHANNELS } from '../catalogue.js';

export async function render(ctx) {
  const me = await api(`/v1/members/${encodeURIComponent(ctx.me.memberId)}/preferences`);
  const path = `/v1/members/${encodeURIComponent(me.memberId)}/preferences`;
  const put = async (body) => {
    try {
      const res = await api(path, { method: 'PUT', body });
      announce('common.saved');
      return res;
    } catch (err) {
      announce('common.saveFailed', { reason: err.message }, 'error');
      return null;
    }
  };
  return h(
    'section',
    { class: 'preferences' },
    h('div', { class: 'heading' }, h('h1', { tabindex: '-1', i18n: 'prefs.title' }), h('p', { class: 'sub', i18n: 'prefs.intro' })),
    general(me, put, ctx),
    channels(me, put),
    contacts(me, ctx),
  );
}

function general(me, put, ctx) {
  const zones = Intl.supportedValuesOf('timeZone');
  if (!zones.includes(me.timeZone)) zones.unshift(me.timeZone);
  const locale = select(
    ['zh-CN', 'en-US'].map((l) => ({ value: l, i18n: `locale.${l}` })),
    { value: me.locale },
  );
  const zone = select(
    zones.map((z) => ({ value: z, text: z, data: true })),
    { value: me.timeZone },
  );
  const quiet = h('input', { type: 'checkbox', id: nextId('q'), checked: Boolean(me.quietHours) });
  const start = h('input', { type: 'time', value: me.quietHours?.start ?? '22:00', required: true });
  const end = h('input', { type: 'time', value: me.quietHours?.end ?? '08:00', required: true });
  const times = h('div', { class: 'row' }, field('prefs.quietFrom', start), field('prefs.quietTo', end));
  const syncTimes = () => {
    start.disabled = end.disabled = !quiet.checked;
  };
  quiet.addEventListener('change', syncTimes);
  syncTimes();
  const headingId = nextId('h');
  return h(
    'form',
    {
      class: 'card',
      'aria-labelledby': headingId,
      onsubmit: async (e) => {
        e.preventDefault();
        const saved = await put({
          locale: locale.value,
          timeZone: zone.value,
          quietHours: quiet.checked ? { start: start.value, end: end.value } : null,
        });
        // Dates everywhere follow the member's time zone: reload who we are so the header and pages use the new one.
        if (saved) await ctx.reloadMe();
      },
    },
    h('h2', { id: headingId, i18n: 'prefs.general' }),
    h(
      'div',
      { class: 'row' },
      field('prefs.messageLanguage', locale, 'prefs.messageLanguageHint'),
      field('prefs.timeZone', zone, 'prefs.timeZoneHint'),
    ),
    h('div', { class: 'field check' }, quiet, h('label', { for: quiet.id, i18n: 'prefs.quietHours' })),
    h('p', { class: 'hint', i18n: 'prefs.quietHint' }),
    times,
    h('div', { class: 'actions' }, h('button', { type: 'submit', i18n: 'common.save' })),
  );
}

function channels(me, put) {
  const headingId = nextId('h');
  const categories = [...new Set(me.types.map((x) => x.category))];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId, i18n: 'prefs.channels' }),
    h(
      'p',
      { class: 'hint', id: 'prefs-locked-note' },
      h('span', { class: 'lock', 'aria-hidden': 'true' }),
      ' ',
      h('span', { i18n: 'prefs.lockedNote' }),
    ),
    h('p', { class: 'hint', id: 'prefs-off-note', i18n: 'prefs.accountOffNote' }),
    categories.map((category) =>
      h(
        'table',
        { class: 'matrix stack' },
        h('caption', { i18n: `category.${category}` }),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', i18n: 'subs.type' }),
            CHANNELS.map((c) => h('th', { scope: 'col', i18n: `channel.${c}` })),
          ),
        ),
        h(
          'tbody',
          {},
          me.types
            .filter((x) => x.category === category)
            .map((x) => {
              const typeName = t(`type.${x.type}`);
              return h(
                'tr',
                { class: x.receives ? null : 'not-receiving' },
                h(
                  'th',
                  { scope: 'row' },
                  h('span', { i18n: `type.${x.type}` }),
                  x.receives ? null : h('span', { class: 'chip muted', i18n: 'prefs.notReceiving' }),
                ),
                CHANNELS.map((c) => {
                  const cell = x.channels[c];
                  const locked = cell.mandatory;
                  const off = !cell.subscribed;
                  return h(
                    'td',
                    { label: `channel.${c}`, class: locked ? 'locked' : off ? 'off' : null },
                    h(
                      'span',
                      { class: 'cell' },
                      h('input', {
                        type: 'checkbox',
                        'data-type': x.type,
                        'data-channel': c,
                        checked: cell.enabled && !off,
                        disabled: locked || off,
                        aria: ['prefs.cell', { channel: t(`channel.${c}`), type: typeName }],
                        'aria-describedby': locked ? 'prefs-locked-note' : off ? 'prefs-off-note' : null,
                        onchange: async (e) => {
                          if (!(await put({ channels: { [x.type]: { [c]: e.target.checked } } }))) e.target.checked = !e.target.checked;
                        },
                      }),
                      locked
                        ? h('span', { class: 'lock', i18n: 'subs.locked' })
                        : off
                          ? h('span', { class: 'muted', i18n: 'prefs.accountOff' })
                          : null,
                    ),
                  );
                }),
              );
            }),
        ),
      ),
    ),
  );
}

function contacts(me, ctx) {
  const headingId = nextId('h');
  const wechat = me.contacts.wechat;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId, i18n: 'prefs.contacts' }),
    contact('email', me, ctx),
    contact('phone', me, ctx),
    h(
      'div',
      { class: 'contact' },
      h('h3', { i18n: 'contact.wechat' }),
      h(
        'p',
        {},
        h('span', { class: `chip ${wechat ? 'ok' : 'warn'}`, i18n: wechat ? 'contact.bound' : 'contact.unbound' }),
        ' ',
        wechat ? data(wechat.value, 'code') : h('span', { class: 'hint', i18n: 'contact.bindHint' }),
      ),
      wechat
        ? h('button', {
            type: 'button',
            class: 'secondary',
            i18n: 'contact.unbind',
            onclick: async () => {
              await api(`/v1/members/${encodeURIComponent(me.memberId)}/contacts/wechat`, { method: 'DELETE' });
              await ctx.update(ctx.query);
              announce('contact.unboundDone');
            },
          })
        : null,
    ),
  );
}

/** Email or phone: its value and state, "send a code", then the six-digit code field. */
function contact(kind, me, ctx) {
  const current = me.contacts[kind];
  const base = `/v1/members/${encodeURIComponent(me.memberId)}/contacts/${kind}/verification`;
  const value = h('input', {
    type: kind === 'email' ? 'email' : 'tel',
    value: current?.value ?? '',
    autocomplete: kind === 'email' ? 'email' : 'tel',
    placeholder: kind === 'email' ? 'name@example.com' : '+8613800138000',
  });
  const code = h('input', { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6', required: true });
  const codeForm = h(
    'form',
    {
      class: 'row code',
      hidden: true,
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api(`${base}/confirm`, { method: 'POST', body: { code: code.value.trim() } });
          await ctx.update(ctx.query);
          announce('contact.verified');
        } catch (err) {
          announce('contact.failed', { reason: err.message }, 'error');
        }
      },
    },
    field('contact.code', code, 'contact.codeHint'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', i18n: 'contact.verify' })),
  );
  const sendForm = h(
    'form',
    {
      class: 'row',
      onsubmit: async (e) => {
        e.preventDefault();
        const newValue = value.value.trim();
        try {
          const res = await api(base, { method: 'POST', body: newValue && newValue !== current?.value ? { value: newValue } : {} });
          announce('contact.sent', { to: res.to });
          codeForm.hidden = false;
          code.focus();
        } catch (err) {
          announce('contact.failed', { reason: err.message }, 'error');
        }
      },
    },
    field(kind === 'email' ? 'contact.emailAddress' : 'contact.phoneNumber', value),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', i18n: 'contact.sendCode' })),
  );
  const status = !current ? ['warn', 'contact.none'] : current.verified ? ['ok', 'contact.isVerified'] : ['warn', 'contact.notVerified'];
  return h(
    'div',
    { class: 'contact', 'data-kind': kind },
    h('h3', {}, h('span', { i18n: `contact.${kind}` }), ' ', h('span', { class: `chip ${status[0]}`, i18n: status[1] })),
    sendForm,
    codeForm,
  );
}

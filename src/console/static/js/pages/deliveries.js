// Delivery log (creator): every delivery with its filters, and each attempt with the provider's response.
import { api, everyItem, query } from '../api.js';
import { data, field, h, pager, select } from '../dom.js';
import { dateTime } from '../i18n.js';
import { CHANNELS, DELIVERY_STATUSES as STATUSES } from '../catalogue.js';

const PAGE_SIZE = 25;

export async function render(ctx) {
  const q = ctx.query;
  const filter = {
    channel: CHANNELS.includes(q.get('channel')) ? q.get('channel') : '',
    status: STATUSES.includes(q.get('status')) ? q.get('status') : '',
    memberId: q.get('memberId') ?? '',
    resourceId: q.get('resourceId') ?? '',
  };
  const offset = Math.max(0, Number(q.get('offset')) || 0);
  const [page, members] = await Promise.all([
    api(`/v1/deliveries${query({ accountId: ctx.me.accountId, ...filter, limit: PAGE_SIZE, offset })}`),
    everyItem(`/v1/accounts/${encodeURIComponent(ctx.me.accountId)}/members`),
  ]);
  const nameOf = (id) => members.find((m) => m.id === id)?.name ?? id;
  const change = (key, value) => {
    const next = new URLSearchParams(q);
    if (value) next.set(key, String(value));
    else next.delete(key);
    if (key !== 'offset') next.delete('offset');
    return ctx.update(next);
  };
  const resource = h('input', {
    id: 'log-resource',
    name: 'resourceId',
    value: filter.resourceId,
    placeholder: 'push-prod',
    autocomplete: 'off',
  });
  return h(
    'section',
    { class: 'deliveries' },
    h(
      'div',
      { class: 'heading' },
      h('h1', { tabindex: '-1', i18n: 'log.title' }),
      h('p', { class: 'sub', i18n: ['log.summary', { total: page.total }] }),
    ),
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (e) => {
          e.preventDefault();
          change('resourceId', resource.value.trim());
        },
      },
      field(
        'log.channel',
        select([{ value: '', i18n: 'log.allChannels' }, ...CHANNELS.map((c) => ({ value: c, i18n: `channel.${c}` }))], {
          id: 'log-channel',
          value: filter.channel,
          onchange: (e) => change('channel', e.target.value),
        }),
      ),
      field(
        'log.status',
        select([{ value: '', i18n: 'log.allStatuses' }, ...STATUSES.map((s) => ({ value: s, i18n: `dstatus.${s}` }))], {
          id: 'log-status',
          value: filter.status,
          onchange: (e) => change('status', e.target.value),
        }),
      ),
      field(
        'log.member',
        select([{ value: '', i18n: 'log.allMembers' }, ...members.map((m) => ({ value: m.id, text: m.name, data: true }))], {
          id: 'log-member',
          value: filter.memberId,
          onchange: (e) => change('memberId', e.target.value),
        }),
      ),
      h(
        'div',
        { class: 'field inline' },
        field('log.resource', resource),
        h('button', { type: 'submit', class: 'secondary', i18n: 'log.apply' }),
      ),
    ),
    page.items.length
      ? h(
          'ul',
          { class: 'log' },
          page.items.map((d) => entry(d, nameOf)),
        )
      : h('p', { class: 'empty', i18n: 'log.empty' }),
    page.total > PAGE_SIZE ? pager(page, (o) => change('offset', o)) : null,
  );
}

function entry(d, nameOf) {
  const fact = (key, value) =>
    value === null || value === undefined || value === '' ? null : [h('dt', { i18n: key }), h('dd', {}, value)];
  return h(
    'li',
    { class: 'delivery', 'data-status': d.status },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('time', { datetime: d.createdAt, class: 'when' }, dateTime(d.createdAt)),
        h('span', { class: 'what', i18n: `type.${d.type}` }),
        h('span', { class: 'chip', i18n: `channel.${d.channel}` }),
        data(nameOf(d.memberId), 'span', { class: 'who' }),
        h('span', { class: `chip status st-${d.status}`, i18n: `dstatus.${d.status}` }),
        h('span', { class: 'muted', i18n: ['log.attemptCount', { n: d.attemptCount }] }),
      ),
      h(
        'dl',
        { class: 'facts' },
        fact('log.to', data(d.to, 'code')),
        fact('log.reason', d.reason ? data(d.reason, 'code') : null),
        fact('log.resources', d.resourceIds.length ? data(d.resourceIds.join(', '), 'code') : null),
        fact('log.notBefore', h('time', { datetime: d.notBefore }, dateTime(d.notBefore))),
        fact('log.sentAt', d.sentAt ? h('time', { datetime: d.sentAt }, dateTime(d.sentAt)) : null),
        fact('log.providerId', d.providerMessageId ? data(d.providerMessageId, 'code') : null),
        fact('log.providerStatus', d.providerStatus ? data(d.providerStatus, 'code') : null),
      ),
      d.attempts.length
        ? h(
            'ol',
            { class: 'attempts', 'aria-label': null },
            d.attempts.map((a, i) =>
              h(
                'li',
                {},
                h(
                  'p',
                  {},
                  h('strong', { i18n: ['log.attempt', { n: i + 1 }] }),
                  ' ',
                  h('time', { datetime: a.at }, dateTime(a.at)),
                  ' · ',
                  h('span', { class: `chip out-${a.outcome}`, i18n: `outcome.${a.outcome}` }),
                  ' · ',
                  h('span', { i18n: ['log.duration', { ms: a.durationMs }] }),
                ),
                a.error
                  ? h('p', {}, h('span', { i18n: 'log.error' }), ' ', data(`${a.code ? `[${a.code}] ` : ''}${a.error}`, 'code'))
                  : null,
                a.response !== undefined
                  ? h('div', {}, h('p', { i18n: 'log.response' }), data(JSON.stringify(a.response, null, 2), 'pre', { class: 'response' }))
                  : null,
              ),
            ),
          )
        : h('p', { class: 'muted', i18n: 'log.noAttempts' }),
    ),
  );
}

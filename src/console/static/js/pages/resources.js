// Resources (console members): the account's resources by product and phase, and each one's timeline.
import { api, prefetch as prefetchGet, query } from '../api.js';
import { data, field, h, pager, select } from '../dom.js';
import { RESOURCE_PHASES as PHASES } from '../catalogue.js';
import { dateTime, relative, timeZone, zoneLabel } from '../i18n.js';

const PAGE_SIZE = 20;

let policies = null;
// Policies change only with a deployment: one fetch per page load is enough.
const loadPolicies = async () => (policies ??= await api('/v1/policies'));

function readFilters(q) {
  return {
    product: q.get('product') ?? '',
    phase: PHASES.includes(q.get('phase')) ? q.get('phase') : '',
    offset: Math.max(0, Number(q.get('offset')) || 0),
  };
}
const listPath = (accountId, { product, phase, offset }) =>
  `/v1/resources${query({ accountId, product, phase, limit: PAGE_SIZE, offset })}`;

/** Where the term stands now (the API's phase, not upstream's last word), and which phase comes next, when. */
function phaseChip(r) {
  return [
    h('span', { class: `chip phase-${r.phase}`, i18n: `phase.${r.phase}` }),
    r.nextPhaseAt
      ? h(
          'span',
          { class: 'muted next-phase', 'data-phase': r.nextPhase },
          ' ',
          h('span', { i18n: `phase.next.${r.nextPhase}` }),
          ' ',
          h('time', { datetime: r.nextPhaseAt }, dateTime(r.nextPhaseAt)),
        )
      : null,
  ];
}

/** Called by the shell on a first load, before it knows who is signed in. */
export function prefetch({ accountId, params, query: q }) {
  if (params[0]) prefetchGet(`/v1/resources/${encodeURIComponent(params[0])}/timeline`);
  else prefetchGet(listPath(accountId, readFilters(q)));
  prefetchGet('/v1/policies');
}

export async function render(ctx) {
  if (ctx.params[0]) return timeline(ctx, ctx.params[0]);
  const q = ctx.query;
  const { product, phase, offset } = readFilters(q);
  const [page, products] = await Promise.all([api(listPath(ctx.me.accountId, { product, phase, offset })), loadPolicies()]);
  const nameOf = (p) => products.find((x) => x.product === p)?.name ?? p ?? '—';
  const change = (key, value) => {
    const next = new URLSearchParams(q);
    if (value) next.set(key, String(value));
    else next.delete(key);
    if (key !== 'offset') next.delete('offset');
    return ctx.update(next);
  };
  return h(
    'section',
    { class: 'resources' },
    h(
      'div',
      { class: 'heading' },
      h('h1', { tabindex: '-1', i18n: 'res.title' }),
      h('p', { class: 'sub', i18n: ['res.summary', { total: page.total }] }),
    ),
    h(
      'form',
      { class: 'filters', onsubmit: (e) => e.preventDefault() },
      field(
        'res.product',
        select([{ value: '', i18n: 'res.allProducts' }, ...products.map((p) => ({ value: p.product, text: p.name, data: true }))], {
          id: 'res-product',
          value: product,
          onchange: (e) => change('product', e.target.value),
        }),
      ),
      field(
        'res.status',
        select([{ value: '', i18n: 'res.allStatuses' }, ...PHASES.map((p) => ({ value: p, i18n: `phase.${p}` }))], {
          id: 'res-status',
          value: phase,
          onchange: (e) => change('phase', e.target.value),
        }),
      ),
    ),
    page.items.length
      ? h(
          'table',
          { class: 'list stack' },
          h('caption', { class: 'sr-only', i18n: 'res.title' }),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['res.name', 'res.product', 'res.status', 'res.expires', 'res.autoRenew', 'res.next'].map((k) =>
                h('th', { scope: 'col', i18n: k }),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            page.items.map((r) =>
              h(
                'tr',
                {},
                h(
                  'th',
                  { scope: 'row' },
                  h('a', { href: `/console/resources/${encodeURIComponent(r.id)}` }, data(r.name ?? r.id)),
                  h('br'),
                  data(r.id, 'code'),
                ),
                h('td', { label: 'res.product' }, data(nameOf(r.product))),
                h('td', { label: 'res.status' }, phaseChip(r)),
                h(
                  'td',
                  { label: 'res.expires' },
                  h('time', { datetime: r.expiresAt }, dateTime(r.expiresAt)),
                  r.expiresAt ? h('span', { class: 'muted rel' }, ` ${relative(r.expiresAt)}`) : null,
                ),
                h('td', { label: 'res.autoRenew', i18n: r.autoRenew ? 'common.yes' : 'common.no' }),
                h(
                  'td',
                  { label: 'res.next' },
                  r.nextDueAt
                    ? h('time', { datetime: r.nextDueAt }, dateTime(r.nextDueAt))
                    : h('span', { class: 'muted', i18n: 'res.nothingPlanned' }),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty', i18n: 'res.empty' }),
    page.total > PAGE_SIZE ? pager(page, (o) => change('offset', o)) : null,
  );
}

async function timeline(ctx, id) {
  const back = h('p', { class: 'back' }, h('a', { href: '/console/resources', i18n: 'res.back' }));
  let tl;
  try {
    tl = await api(`/v1/resources/${encodeURIComponent(id)}/timeline`);
  } catch (err) {
    if (err.status !== 404) throw err;
    return h(
      'section',
      {},
      back,
      h('h1', { tabindex: '-1', i18n: 'res.timeline' }),
      h('p', { class: 'problem', role: 'alert', i18n: 'res.notFound' }),
    );
  }
  const r = tl.resource;
  const products = await loadPolicies();
  const policyZone = tl.policy?.timeZone;
  const row = (labelKey, value) => [h('dt', { i18n: labelKey }), h('dd', {}, value)];
  return h(
    'section',
    { class: 'timeline' },
    back,
    h(
      'div',
      { class: 'heading' },
      h('h1', { tabindex: '-1' }, data(r.name ?? r.id)),
      h('p', { class: 'sub' }, h('span', { i18n: 'res.timeline' }), ' · ', data(r.id, 'code')),
    ),
    h(
      'dl',
      { class: 'facts card' },
      row('res.product', data(products.find((p) => p.product === r.product)?.name ?? r.product)),
      row('res.status', phaseChip(r)),
      row('res.upstreamStatus', h('span', { class: `chip status-${r.status}`, i18n: `status.${r.status}` })),
      row('res.expires', [
        h('time', { datetime: r.expiresAt }, dateTime(r.expiresAt)),
        r.expiresAt ? h('span', { class: 'muted' }, ` ${relative(r.expiresAt, new Date(tl.now).getTime())}`) : null,
      ]),
      row('res.autoRenew', h('span', { i18n: r.autoRenew ? 'common.yes' : 'common.no' })),
      row('res.region', data(r.region)),
      r.quota ? row('res.usage', data(`${r.usage ?? 0} / ${r.quota}`)) : null,
      tl.policy
        ? row('res.policy', h('span', { i18n: ['res.policyText', { version: tl.policy.version, zone: tl.policy.timeZone }] }))
        : null,
    ),
    h('p', { class: 'hint', i18n: ['res.zoneNote', { zone: zoneLabel() }] }),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tl-planned' },
      h('h2', { id: 'tl-planned', i18n: ['res.planned', { n: tl.planned.length }] }),
      tl.planned.length
        ? h(
            'ol',
            { class: 'events planned' },
            tl.planned.map((n) =>
              h(
                'li',
                { 'data-type': n.type },
                h('time', { datetime: n.dueAt, class: 'when' }, dateTime(n.dueAt)),
                h('span', { class: 'what', i18n: `type.${n.type}` }),
                policyZone && policyZone !== timeZone()
                  ? h('span', {
                      class: 'muted policy-time',
                      i18n: ['res.policyLocal', { time: n.local.slice(0, 16).replace('T', ' '), zone: policyZone }],
                    })
                  : null,
              ),
            ),
          )
        : h('p', { class: 'muted', i18n: 'res.nonePlanned' }),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tl-produced' },
      h('h2', { id: 'tl-produced', i18n: ['res.produced', { n: tl.produced.length }] }),
      tl.produced.length
        ? h(
            'ol',
            { class: 'events produced', reversed: true },
            [...tl.produced]
              .reverse()
              .map((n) =>
                h(
                  'li',
                  { 'data-type': n.type },
                  h('time', { datetime: n.dueAt, class: 'when' }, dateTime(n.dueAt)),
                  h('span', { class: 'what', i18n: `type.${n.type}` }),
                  h('span', { class: 'chip', i18n: `source.${n.source}` }),
                  h('span', { class: 'channels' }, deliveryChips(n.deliveries)),
                ),
              ),
          )
        : h('p', { class: 'muted', i18n: 'res.noneProduced' }),
    ),
  );
}

/** `Email: 2 sent, 1 skipped` per channel, from the timeline's delivery summary. */
function deliveryChips(byChannel) {
  const channels = Object.keys(byChannel);
  if (!channels.length) return h('span', { class: 'muted', i18n: 'res.notFannedOut' });
  return channels.map((c) =>
    h(
      'span',
      { class: 'chip delivery', 'data-channel': c },
      h('span', { i18n: `channel.${c}` }),
      ': ',
      Object.entries(byChannel[c]).map(([status, n], i) => [
        i ? ', ' : '',
        h('span', { class: `st-${status}`, i18n: [`dstatus.count.${status}`, { n }] }),
      ]),
    ),
  );
}

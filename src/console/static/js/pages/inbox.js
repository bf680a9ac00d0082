// Inbox: the member's in-site messages, filtered and paged by the API (never more than a page in the browser).
import { api, prefetch as prefetchGet, query } from '../api.js';
import { announce, data, field, h, pager, select } from '../dom.js';
import { CATEGORIES } from '../catalogue.js';
import { dateTime } from '../i18n.js';
import { richText } from '../rich-text.js';

const PAGE_SIZE = 20;

function readFilters(q) {
  return {
    category: CATEGORIES.includes(q.get('category')) ? q.get('category') : '',
    unreadOnly: q.get('unread') === 'true',
    offset: Math.max(0, Number(q.get('offset')) || 0),
  };
}
const listPath = ({ category, unreadOnly, offset }) =>
  `/v1/inbox${query({ category, unread: unreadOnly ? 'true' : '', limit: PAGE_SIZE, offset })}`;

/** Called by the shell on a first load, before it knows who is signed in. */
export function prefetch({ params, query: q }) {
  if (!params[0]) prefetchGet(listPath(readFilters(q)));
}

export async function render(ctx) {
  if (ctx.params[0]) return detail(ctx, ctx.params[0]);
  const q = ctx.query;
  const { category, unreadOnly, offset } = readFilters(q);
  const page = await api(listPath({ category, unreadOnly, offset }));
  ctx.setUnread(page.unread);

  const change = (key, value) => {
    const next = new URLSearchParams(q);
    if (value) next.set(key, String(value));
    else next.delete(key);
    if (key !== 'offset') next.delete('offset');
    return ctx.update(next);
  };
  const backQuery = q.toString() ? `?back=${encodeURIComponent(q.toString())}` : '';

  const markAll = async () => {
    const res = await api('/v1/inbox/read-all', { method: 'POST' });
    ctx.setUnread(res.unread);
    await ctx.update(q);
    announce('inbox.markedAll', { n: res.marked });
  };
  const markOne = async (id) => {
    const res = await api(`/v1/inbox/${encodeURIComponent(id)}/read`, { method: 'POST' });
    ctx.setUnread(res.unread);
    await ctx.update(q);
    announce('inbox.marked');
  };

  const filters = h(
    'form',
    { class: 'filters', onsubmit: (e) => e.preventDefault() },
    field(
      'inbox.category',
      select([{ value: '', i18n: 'inbox.allCategories' }, ...CATEGORIES.map((c) => ({ value: c, i18n: `category.${c}` }))], {
        id: 'inbox-category',
        value: category,
        onchange: (e) => change('category', e.target.value),
      }),
    ),
    h(
      'div',
      { class: 'field check' },
      h('input', {
        type: 'checkbox',
        id: 'unread-only',
        checked: unreadOnly,
        onchange: (e) => change('unread', e.target.checked ? 'true' : ''),
      }),
      h('label', { for: 'unread-only', i18n: 'inbox.unreadOnly' }),
    ),
    h('button', {
      type: 'button',
      id: 'mark-all',
      class: 'secondary',
      i18n: 'inbox.markAll',
      disabled: page.unread === 0,
      onclick: markAll,
    }),
  );

  const list = page.items.length
    ? h(
        'ul',
        { class: 'messages', 'aria-labelledby': 'inbox-title' },
        page.items.map((m) =>
          h(
            'li',
            { class: m.readAt ? 'msg' : 'msg unread' },
            h(
              'a',
              { href: `/console/inbox/${encodeURIComponent(m.id)}${backQuery}`, class: 'open' },
              m.readAt ? null : h('span', { class: 'sr-only', i18n: 'inbox.unreadMark' }),
              data(m.title, 'span', { class: 'title' }),
              h(
                'span',
                { class: 'meta' },
                h('span', { class: `chip cat-${m.category}`, i18n: `category.${m.category}` }),
                h('time', { datetime: m.createdAt }, dateTime(m.createdAt)),
              ),
            ),
            m.readAt
              ? null
              : h('button', {
                  type: 'button',
                  class: 'link mark',
                  i18n: 'inbox.markRead',
                  aria: ['inbox.markReadOf', { title: m.title }],
                  onclick: () => markOne(m.id),
                }),
          ),
        ),
      )
    : h('p', { class: 'empty', i18n: unreadOnly ? 'inbox.noUnread' : 'inbox.empty' });

  return h(
    'section',
    { class: 'inbox' },
    h(
      'div',
      { class: 'heading' },
      h('h1', { id: 'inbox-title', tabindex: '-1', i18n: 'inbox.title' }),
      h('p', { class: 'sub', i18n: ['inbox.summary', { total: page.total, unread: page.unread }] }),
    ),
    filters,
    list,
    page.total > PAGE_SIZE ? pager(page, (o) => change('offset', o)) : null,
  );
}

async function detail(ctx, id) {
  const back = ctx.query.get('back');
  const backLink = h('p', { class: 'back' }, h('a', { href: `/console/inbox${back ? `?${back}` : ''}`, i18n: 'inbox.back' }));
  let m;
  try {
    m = await api(`/v1/inbox/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.status !== 404) throw err;
    return h(
      'section',
      {},
      backLink,
      h('h1', { tabindex: '-1', i18n: 'inbox.title' }),
      h('p', { class: 'problem', role: 'alert', i18n: 'inbox.notFound' }),
    );
  }
  // Opening a message reads it: the badge drops at once, as in any mail client.
  if (!m.readAt) {
    const res = await api(`/v1/inbox/${encodeURIComponent(id)}/read`, { method: 'POST' });
    ctx.setUnread(res.unread);
  }
  return h(
    'article',
    { class: 'message' },
    backLink,
    h('h1', { tabindex: '-1', 'data-value': '' }, m.title),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: `chip cat-${m.category}`, i18n: `category.${m.category}` }),
      h('span', { i18n: `type.${m.type}` }),
      h('span', {}, h('span', { i18n: 'inbox.received' }), ' ', h('time', { datetime: m.createdAt }, dateTime(m.createdAt))),
    ),
    // Formatted text (paragraphs, lists, links, bold) built as DOM nodes: the message's text is never parsed as HTML.
    h('div', { class: 'body', 'data-value': '' }, richText(m.body)),
  );
}

// The console shell: sign-in state, header (unread badge, language), navigation by role, and a History API router.
import { api, session, takeTokenFromUrl, whenUnauthorized } from './api.js';
import { h } from './dom.js';
import { initialLang, LOCALES, lang, setLang, setTimeZone, t, translate } from './i18n.js';

const BASE = '/console';
const UNREAD_POLL_MS = 60_000;
// `who` decides both the navigation and whether a deep link opens: receivers have no console rights.
// Each view is its own module, fetched when first opened: the first screen loads only what it shows.
const PAGES = [
  { path: 'inbox', title: 'nav.inbox', load: () => import('./pages/inbox.js'), who: 'everyone' },
  { path: 'resources', title: 'nav.resources', load: () => import('./pages/resources.js'), who: 'console' },
  { path: 'subscriptions', title: 'nav.subscriptions', load: () => import('./pages/subscriptions.js'), who: 'creator' },
  { path: 'members', title: 'nav.members', load: () => import('./pages/members.js'), who: 'creator' },
  { path: 'deliveries', title: 'nav.deliveries', load: () => import('./pages/deliveries.js'), who: 'creator' },
  { path: 'preferences', title: 'nav.preferences', load: () => import('./pages/preferences.js'), who: 'everyone' },
  { path: 'signin', title: 'signin.title', load: () => import('./pages/signin.js'), who: 'anyone' },
];

const state = { me: null, account: null, unread: null, renderId: 0, poll: null };
const main = document.getElementById('main');

const allowed = (who) =>
  who === 'everyone' ||
  (who === 'console' && !state.me.roles.every((r) => r === 'receiver')) ||
  (who === 'creator' && state.me.roles.includes('creator'));

export function navigate(path, { replace = false } = {}) {
  history[replace ? 'replaceState' : 'pushState'](null, '', `${BASE}${path}`);
  return route({ focus: !replace });
}

function setUnread(n) {
  state.unread = n;
  const badge = document.getElementById('unread');
  if (!badge) return;
  // null: not known yet (the count is still on its way) — show no number rather than a wrong one.
  badge.querySelector('.count').textContent = n === null ? '' : n > 99 ? '99+' : String(n);
  badge.classList.toggle('zero', n === 0);
  badge.classList.toggle('unknown', n === null);
}

async function refreshUnread() {
  if (session.token && state.me) setUnread((await api('/v1/inbox/unread-count')).unread);
}

/** Who is signed in: the member's own preferences carry name, roles, language and time zone. */
async function loadMe() {
  const claims = session.claims();
  if (!claims) return false;
  try {
    const [me, account] = await Promise.all([
      api(`/v1/members/${encodeURIComponent(claims.sub)}/preferences`),
      api(`/v1/accounts/${encodeURIComponent(claims.acc)}`),
    ]);
    state.me = me;
    state.account = account;
    setTimeZone(me.timeZone);
    setLang(initialLang(me.locale));
    return true;
  } catch (err) {
    // A token Herald refuses (expired, or the member is gone) is dropped; a network failure keeps it for a retry.
    if (err.status >= 400 && err.status < 500) session.clear();
    return false;
  }
}

function header() {
  const langSelect = h(
    'select',
    { id: 'lang', aria: 'header.language', onchange: (e) => switchLang(e.target.value) },
    Object.keys(LOCALES).map((code) => h('option', { value: code, lang: code, 'data-fixed': '' }, LOCALES[code]['lang.name'])),
  );
  langSelect.value = lang();
  const who = state.me
    ? h(
        'p',
        { class: 'who' },
        h('span', { class: 'name', 'data-value': '' }, state.me.name),
        h(
          'span',
          { class: 'roles' },
          state.me.roles.map((r) => h('span', { class: 'chip', i18n: `role.${r}` })),
        ),
        h('span', { class: 'account', 'data-value': '' }, state.account?.name ?? ''),
      )
    : null;
  const bell = state.me
    ? h(
        'a',
        { id: 'unread', class: 'bell', href: `${BASE}/inbox` },
        h('span', { i18n: 'header.inbox' }),
        h(
          'span',
          { class: 'badge', 'aria-live': 'polite', 'aria-atomic': 'true' },
          h('span', { class: 'sr-only', i18n: 'header.unread' }),
          h('span', { class: 'count' }),
        ),
      )
    : null;
  const signOut = state.me ? h('button', { type: 'button', class: 'link', i18n: 'header.signOut', onclick: signOutNow }) : null;
  return h(
    'div',
    { class: 'bar' },
    h(
      'a',
      { class: 'brand', href: `${BASE}/inbox` },
      h('span', { class: 'logo', 'aria-hidden': 'true' }, 'H'),
      h('span', { i18n: 'app.title' }),
    ),
    who,
    h('div', { class: 'tools' }, bell, langSelect, signOut),
  );
}

function nav(current) {
  if (!state.me) return null;
  return h(
    'ul',
    {},
    PAGES.filter((p) => allowed(p.who)).map((p) =>
      h('li', {}, h('a', { href: `${BASE}/${p.path}`, i18n: p.title, 'aria-current': p.path === current ? 'page' : null })),
    ),
  );
}

function markCurrent(section) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === `${BASE}/${section}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderShell(current) {
  document.getElementById('top').replaceChildren(header());
  const navEl = document.getElementById('nav');
  navEl.replaceChildren(...[nav(current)].filter(Boolean));
  navEl.hidden = !state.me;
  translate(document.body);
  setUnread(state.unread);
}

async function switchLang(code) {
  setLang(code, true);
  translate(document.body);
  await route({ focus: false, shell: false });
}

function signOutNow() {
  session.clear();
  state.me = null;
  clearInterval(state.poll);
  navigate('/signin');
}

/** Renders the view for the current URL; `focus` moves focus to its heading (after a navigation, not a filter change). */
export async function route({ focus = true, shell = true } = {}) {
  const id = ++state.renderId;
  const [section = '', ...params] = location.pathname.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (section === 'signin') {
    if (shell) renderShell('');
    const signin = await PAGES.at(-1).load();
    return show(id, await signin.render({ signedIn, query: new URLSearchParams(location.search) }), 'signin.title', focus);
  }
  if (!session.token || !state.me) {
    const next = location.pathname.length > BASE.length + 1 ? `?next=${encodeURIComponent(location.pathname + location.search)}` : '';
    return navigate(`/signin${next}`, { replace: true });
  }
  const page = PAGES.find((p) => p.path === section && p.who !== 'anyone');
  if (!page) return navigate('/inbox', { replace: true });
  if (shell) renderShell(section);
  else markCurrent(section);
  if (!allowed(page.who)) return show(id, forbidden(page), page.title, focus);
  main.setAttribute('aria-busy', 'true');
  const ctx = {
    me: state.me,
    account: state.account,
    params,
    query: new URLSearchParams(location.search),
    navigate,
    setUnread,
    /** Changes the URL's query (filters, page) and re-renders this view in place. */
    update: (q) => {
      history.replaceState(null, '', `${location.pathname}${q.toString() ? `?${q}` : ''}`);
      return route({ focus: false, shell: false });
    },
    reloadMe: async () => {
      await loadMe();
      renderShell(section);
    },
  };
  try {
    const view = await page.load();
    return show(id, await view.render(ctx), page.title, focus);
  } catch (err) {
    return show(
      id,
      h('div', {}, h('h1', { i18n: page.title, tabindex: '-1' }), h('p', { class: 'problem', role: 'alert' }, err.message)),
      page.title,
      focus,
    );
  }
}

function show(id, node, titleKey, focus) {
  if (id !== state.renderId) return; // a newer navigation won
  // A filter or pager re-renders the view: keyboard focus stays on the control that was used (same id).
  const within = !focus && main.contains(document.activeElement) && document.activeElement !== main;
  const keep = within ? document.activeElement.id : '';
  main.replaceChildren(node);
  main.removeAttribute('aria-busy');
  document.title = `${t(titleKey)} · Herald`;
  const again = keep ? document.getElementById(keep) : null;
  if (again && !again.disabled) again.focus();
  else if (focus || within) main.querySelector('h1')?.focus();
}

function forbidden(page) {
  return h(
    'section',
    { class: 'forbidden' },
    h('h1', { i18n: page.title, tabindex: '-1' }),
    h('p', { class: 'problem', role: 'alert', i18n: page.who === 'creator' ? 'access.creatorOnly' : 'access.noConsole' }),
    h('p', {}, h('a', { href: `${BASE}/inbox`, i18n: 'access.backToInbox' })),
  );
}

async function signedIn(next) {
  if (!(await loadMe())) return false;
  state.unread = null;
  await navigate(next && next.startsWith(`${BASE}/`) && !next.startsWith(`${BASE}/signin`) ? next.slice(BASE.length) : '/inbox', {
    replace: true,
  });
  startPolling();
  return true;
}

function startPolling() {
  // The first count comes after the first view (which may bring it, as the inbox does): the view goes first.
  setTimeout(() => state.unread === null && refreshUnread().catch(() => {}), 0);
  clearInterval(state.poll);
  state.poll = setInterval(() => document.visibilityState === 'visible' && refreshUnread().catch(() => {}), UNREAD_POLL_MS);
}

// Links inside the console navigate without reloading the page.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE) || url.pathname.startsWith(`${BASE}/assets`)) return;
  e.preventDefault();
  history.pushState(null, '', url.pathname + url.search);
  route();
});
window.addEventListener('popstate', () => route());
// The token expired while the console was open: back to sign-in, saying why.
whenUnauthorized(() => {
  if (!state.me) return; // signing in: the sign-in page reports it
  session.clear();
  state.me = null;
  navigate(`/signin?expired=1`, { replace: true });
});

async function start() {
  takeTokenFromUrl();
  setLang(initialLang());
  translate(document.body);
  // While we ask who is signed in, fetch the first view's module and let it start asking for its data.
  const [first = 'inbox', ...params] = location.pathname.slice(BASE.length).split('/').filter(Boolean).map(decodeURIComponent);
  const claims = session.token ? session.claims() : null;
  PAGES.find((p) => p.path === first && p.who !== 'anyone')
    ?.load()
    .then(
      (view) =>
        claims && view.prefetch?.({ accountId: claims.acc, memberId: claims.sub, params, query: new URLSearchParams(location.search) }),
    )
    .catch(() => {});
  const signedInAlready = Boolean(session.token) && (await loadMe());
  await route({ focus: false });
  if (signedInAlready) startPolling();
}
start();

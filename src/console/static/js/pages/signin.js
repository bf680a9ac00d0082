// Sign-in: production members arrive with a token from the host console; development offers a member picker.
import { api, session } from '../api.js';
import { data, field, h, nextId } from '../dom.js';

export async function render({ signedIn, query }) {
  const next = query.get('next');
  const error = h('p', { class: 'problem', role: 'alert', hidden: true });
  const fail = (key) => {
    error.hidden = false;
    error.replaceChildren(h('span', { i18n: key }));
  };
  const useToken = async (token) => {
    session.set(token);
    if (!(await signedIn(next))) fail('signin.rejected');
  };

  const token = h('textarea', { rows: '3', autocomplete: 'off', spellcheck: 'false', required: true });
  const tokenForm = h(
    'form',
    {
      class: 'card',
      onsubmit: (e) => {
        e.preventDefault();
        useToken(token.value.trim());
      },
    },
    h('h2', { i18n: 'signin.tokenTitle' }),
    h('p', { class: 'hint', i18n: 'signin.tokenHint' }),
    field('signin.token', token),
    h('div', { class: 'actions' }, h('button', { type: 'submit', i18n: 'signin.submit' })),
  );

  return h(
    'section',
    { class: 'signin' },
    h('div', { class: 'heading' }, h('h1', { tabindex: '-1', i18n: 'signin.title' }), h('p', { class: 'sub', i18n: 'signin.intro' })),
    query.get('expired') ? h('p', { class: 'problem', role: 'alert', i18n: 'signin.expired' }) : null,
    error,
    await picker(useToken, fail),
    tokenForm,
  );
}

/** Development only: the API lists local members (the endpoint does not exist in production, so nothing shows). */
async function picker(useToken, fail) {
  let list;
  try {
    list = await api('/v1/dev/members', { auth: false });
  } catch {
    return null;
  }
  const headingId = nextId('h');
  const pick = async (accountId, memberId) => {
    try {
      const res = await api('/v1/dev/tokens', { method: 'POST', auth: false, body: { accountId, memberId } });
      await useToken(res.token);
    } catch {
      fail('signin.rejected');
    }
  };
  return h(
    'section',
    { class: 'card picker', 'aria-labelledby': headingId },
    h('h2', { id: headingId, i18n: 'signin.devTitle' }),
    h('p', { class: 'hint', i18n: 'signin.devHint' }),
    list.accounts.length
      ? list.accounts.map((a) =>
          h(
            'div',
            { class: 'account' },
            h('h3', {}, data(a.name), ' ', data(a.id, 'code')),
            h(
              'ul',
              { class: 'people' },
              a.members.map((m) =>
                h(
                  'li',
                  {},
                  h(
                    'button',
                    { type: 'button', class: 'person', 'data-member': m.id, onclick: () => pick(a.id, m.id) },
                    data(m.name, 'span', { class: 'name' }),
                    h(
                      'span',
                      { class: 'roles' },
                      m.roles.map((r) => h('span', { class: 'chip', i18n: `role.${r}` })),
                    ),
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted', i18n: 'signin.devEmpty' }),
  );
}

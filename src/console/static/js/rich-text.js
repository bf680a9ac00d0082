// In-site message bodies: a small formatted-text subset, turned into DOM nodes built from text (never innerHTML),
// so whatever a message carries — HTML, a script, a `javascript:` address — shows as typed.
//   blank line        a new paragraph; a single line break stays a line break
//   `- ` lines        a list
//   [text](address)   a link, for http(s) addresses and console paths (/console/…); anything else stays text
//   **text**          bold
//   \* \[ \] \\ \-    the character itself (Herald escapes these in the data it puts into a message)

const ESCAPABLE = new Set(['\\', '*', '[', ']', '-']);

/** The nodes of a message body: paragraphs (<p>) and lists (<ul>). */
export function richText(body) {
  const blocks = String(body ?? '')
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/);
  const out = [];
  for (const block of blocks) {
    let para = null;
    let list = null;
    for (const line of block.split('\n')) {
      if (!line.trim()) continue;
      if (line.startsWith('- ')) {
        para = null;
        if (!list) out.push((list = document.createElement('ul')));
        const li = document.createElement('li');
        li.append(...inline(line.slice(2)));
        list.append(li);
        continue;
      }
      list = null;
      if (para) para.append(document.createElement('br'));
      else out.push((para = document.createElement('p')));
      para.append(...inline(line));
    }
  }
  return out;
}

/** Where a link may go: an http(s) address, or a page of this console. Anything else (javascript:, data:, //host) is refused. */
export function safeHref(address) {
  if (address === '/console' || address.startsWith('/console/')) return address;
  if (!/^https?:\/\//i.test(address)) return null;
  try {
    const url = new URL(address);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Text with escapes, **bold** and links, as nodes; `links` false inside a link's own text. */
function inline(text, links = true) {
  const nodes = [];
  let plain = '';
  const flush = () => {
    if (plain) nodes.push(document.createTextNode(plain));
    plain = '';
  };
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '\\' && ESCAPABLE.has(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '*' && text[i + 1] === '*') {
      const end = closing(text, i + 2, '**');
      if (end > i + 2) {
        flush();
        const strong = document.createElement('strong');
        strong.append(...inline(text.slice(i + 2, end), links));
        nodes.push(strong);
        i = end + 2;
        continue;
      }
    }
    if (c === '[' && links) {
      const link = linkAt(text, i);
      if (link) {
        flush();
        const a = document.createElement('a');
        a.href = link.href;
        // Pages outside the console (a renewal page) open beside it; console pages open in place.
        if (!link.href.startsWith('/')) {
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
        }
        a.append(...inline(link.text, false));
        nodes.push(a);
        i = link.end;
        continue;
      }
    }
    plain += c;
    i += 1;
  }
  flush();
  return nodes;
}

/** `[text](address)` starting at `start` with a safe address, or null (then it is shown as text). */
function linkAt(text, start) {
  const close = closing(text, start + 1, ']');
  if (close < 0 || text[close + 1] !== '(') return null;
  const end = text.indexOf(')', close + 2);
  if (end < 0) return null;
  const address = text.slice(close + 2, end);
  if (/\s/.test(address)) return null;
  const href = safeHref(address);
  if (!href) return null;
  return { text: text.slice(start + 1, close), href, end: end + 1 };
}

/** Index of the next unescaped `marker` at or after `from`, or -1. */
function closing(text, from, marker) {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\' && ESCAPABLE.has(text[i + 1])) {
      i++;
      continue;
    }
    if (text.startsWith(marker, i)) return i;
  }
  return -1;
}

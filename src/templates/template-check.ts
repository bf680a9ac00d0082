import Handlebars from 'handlebars';
import type { RenderedMessage } from './rendered-message';
import type { MessageType } from '../lifecycle/message-types';
import { MessageContext, RENEWAL_TYPES } from './message-context';

/**
 * Static check of a parsed template against a sample context. Strict mode only throws on `{{name}}` in the branches a
 * render takes, and never on block or helper arguments (`{{#if nope}}`, `{{date nope}}`), so every path of every
 * branch is resolved here instead. Optional keys must sit under an `{{#if}}` (or `{{#with}}`) of the same key when
 * printed or formatted, so a notice without them renders no blank.
 */
export interface CheckInput {
  ast: hbs.AST.Program;
  /** The context the template renders with, every key present (optional ones may be null). */
  sample: Record<string, unknown>;
  /** Paths that may be null or missing, e.g. `first.stopAt`, `items[].stopAt` (any element of `items`). */
  optional: ReadonlySet<string>;
  partials: ReadonlyMap<string, hbs.AST.Program>;
  /** Helpers templates may call besides the built-in blocks; those whose arguments are printed need guarded arguments. */
  helpers: ReadonlySet<string>;
  formatters: ReadonlySet<string>;
}

interface Scope {
  value: unknown;
  /** Path from the root, elements of a list as `[]`: `items[].stopAt`. */
  path: string;
}

interface Frame {
  stack: Scope[];
  blockParams: Map<string, Scope>;
  guards: Set<string>;
  inEach: boolean;
  partialBlock: { program: hbs.AST.Program; frame: Frame } | null;
  /** Partials being expanded, to stop recursion. */
  expanding: string[];
}

type PartialNode = Omit<hbs.AST.PartialStatement, 'type'> & { type: string; program?: hbs.AST.Program };

const DATA_VARS = new Set(['index', 'first', 'last', 'key']);

/** Problems found, each as `"<path>" <why> (line N)`; empty when the template is sound. */
export function checkTemplate(input: CheckInput): string[] {
  const problems: string[] = [];
  const root: Scope = { value: input.sample, path: '' };
  const walker = new Walker(input, root, problems);
  walker.program(input.ast, { stack: [root], blockParams: new Map(), guards: new Set(), inEach: false, partialBlock: null, expanding: [] });
  return [...new Set(problems)];
}

class Walker {
  constructor(
    private readonly input: CheckInput,
    private readonly root: Scope,
    private readonly problems: string[],
  ) {}

  program(p: hbs.AST.Program | undefined, f: Frame): void {
    for (const s of p?.body ?? []) this.statement(s, f);
  }

  private statement(s: hbs.AST.Statement, f: Frame): void {
    switch (s.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(s as hbs.AST.MustacheStatement, f);
      case 'BlockStatement':
        return this.block(s as hbs.AST.BlockStatement, f);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return this.partial(s as PartialNode, f);
      default:
        this.problem(s, s.type, 'is not supported in templates');
    }
  }

  private mustache(m: hbs.AST.MustacheStatement, f: Frame): void {
    if (m.path.type !== 'PathExpression') return;
    const path = m.path as hbs.AST.PathExpression;
    if (this.isHelper(path, m.params.length + (m.hash?.pairs.length ?? 0))) return this.call(path.original, m.params, m.hash, f, m);
    this.value(path, f, true);
  }

  private block(b: hbs.AST.BlockStatement, f: Frame): void {
    const name = b.path.original;
    this.call(name, b.params, b.hash, f);
    const arg = b.params[0]?.type === 'PathExpression' ? this.value(b.params[0] as hbs.AST.PathExpression, f, false) : undefined;
    const guarded = (g: Frame): Frame => (arg ? { ...g, guards: new Set([...g.guards, arg.path]) } : g);
    switch (name) {
      case 'if':
        this.program(b.program, guarded(f));
        return this.program(b.inverse, f);
      case 'unless':
        this.program(b.program, f);
        return this.program(b.inverse, guarded(f));
      case 'each': {
        const list = arg?.value;
        if (arg && !Array.isArray(list)) return this.problem(b, b.params[0] as hbs.AST.PathExpression, 'is not a list');
        const element: Scope = { value: Object.assign({}, ...((list as unknown[]) ?? [])), path: `${arg?.path ?? ''}[]` };
        const [as, index] = b.program.blockParams ?? [];
        const blockParams = new Map(f.blockParams);
        if (as) blockParams.set(as, element);
        if (index) blockParams.set(index, { value: 0, path: '@index' });
        this.program(b.program, { ...f, stack: [...f.stack, element], blockParams, inEach: true });
        return this.program(b.inverse, f);
      }
      case 'with': {
        if (!arg) return;
        const blockParams = new Map(f.blockParams);
        if (b.program.blockParams?.[0]) blockParams.set(b.program.blockParams[0], arg);
        this.program(b.program, { ...guarded(f), stack: [...f.stack, arg], blockParams });
        return this.program(b.inverse, f);
      }
      default:
        this.problem(b, `#${name}`, 'is not a block helper templates may use');
    }
  }

  private partial(p: PartialNode, f: Frame): void {
    const name = p.name.type === 'PathExpression' ? (p.name as hbs.AST.PathExpression).original : '';
    if (name === '@partial-block') {
      if (!f.partialBlock) return this.problem(p, name, 'is used outside a partial block');
      return this.program(f.partialBlock.program, {
        ...f.partialBlock.frame,
        guards: new Set([...f.partialBlock.frame.guards, ...f.guards]),
      });
    }
    const ast = this.input.partials.get(name);
    if (!ast) return this.problem(p, `> ${name || '(dynamic)'}`, 'is not a known partial');
    if (f.expanding.includes(name)) return this.problem(p, `> ${name}`, 'includes itself');
    const context =
      p.params[0]?.type === 'PathExpression' ? this.value(p.params[0] as hbs.AST.PathExpression, f, false) : f.stack[f.stack.length - 1];
    if (!context) return;
    const hash: Record<string, unknown> = {};
    for (const pair of p.hash?.pairs ?? []) hash[pair.key] = this.expression(pair.value, f, false);
    const scope: Scope = { value: { ...(context.value as object), ...hash }, path: context.path };
    const caller = { ...f, stack: [...f.stack.slice(0, -1), scope] };
    // A partial block's content renders inside the partial, with the partial's context.
    const partialBlock = p.program ? { program: p.program, frame: caller } : null;
    this.program(ast, {
      stack: [scope],
      blockParams: new Map(),
      guards: f.guards,
      inEach: f.inEach,
      partialBlock,
      expanding: [...f.expanding, name],
    });
  }

  /** Arguments of a helper call; a formatter's arguments are printed, so optional ones need a guard. */
  private call(helper: string, params: hbs.AST.Expression[], hash: hbs.AST.Hash, f: Frame, node?: hbs.AST.Node): void {
    if (node && !this.input.helpers.has(helper)) this.problem(node, helper, 'is not a helper templates may use');
    const printed = this.input.formatters.has(helper);
    for (const e of params) this.expression(e, f, printed);
    for (const pair of hash?.pairs ?? []) this.expression(pair.value, f, false);
  }

  private expression(e: hbs.AST.Expression, f: Frame, printed: boolean): unknown {
    if (e.type === 'PathExpression') return this.value(e as hbs.AST.PathExpression, f, printed)?.value;
    if (e.type === 'SubExpression') {
      const s = e as hbs.AST.SubExpression;
      this.call(s.path.original, s.params, s.hash, f, s);
      return undefined;
    }
    return (e as hbs.AST.Literal & { value?: unknown }).value;
  }

  private isHelper(path: hbs.AST.PathExpression, args: number): boolean {
    return !path.data && path.parts.length === 1 && args > 0;
  }

  /** Resolves a path in the sample context; reports it when it does not exist or prints an unguarded optional key. */
  private value(path: hbs.AST.PathExpression, f: Frame, printed: boolean): Scope | undefined {
    let scope: Scope | undefined;
    let parts = path.parts;
    if (path.data) {
      const head = parts[0];
      if (head === 'root') {
        scope = this.root;
        parts = parts.slice(1);
      } else if (DATA_VARS.has(head) && f.inEach && parts.length === 1) {
        return { value: 0, path: `@${head}` };
      } else {
        this.problem(path, path.original, 'is not a data variable here');
        return undefined;
      }
    } else if (path.depth === 0 && parts.length > 0 && f.blockParams.has(parts[0])) {
      scope = f.blockParams.get(parts[0]);
      parts = parts.slice(1);
    } else {
      scope = f.stack[f.stack.length - 1 - path.depth];
    }
    for (const part of parts) {
      const v = scope?.value;
      if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, part)) {
        this.problem(path, path.original, 'is not provided by the data');
        return undefined;
      }
      scope = { value: (v as Record<string, unknown>)[part], path: scope!.path ? `${scope!.path}.${part}` : part };
    }
    if (printed && scope && this.input.optional.has(scope.path) && !f.guards.has(scope.path)) {
      this.problem(path, path.original, `may be null: guard it with {{#if ${path.original}}}`);
    }
    return scope;
  }

  private problem(node: hbs.AST.Node | hbs.AST.PathExpression, what: string | hbs.AST.PathExpression, why: string): void {
    const name = typeof what === 'string' ? what : what.original;
    const line = node.loc?.start.line;
    this.problems.push(`"${name}" ${why}${line ? ` (line ${line})` : ''}`);
  }
}

/** A link a rendered part lacks: which part (`html`, `text`, `body`, `url`), which link, and what it is for. */
export interface MissingLink {
  part: string;
  link: string;
  what: 'console' | 'renewal';
}

/**
 * The actions every message carries, checked on what a template rendered from the samples. A single notice links
 * to its resource's console page and, for the renewal types, to the product's renewal page; a digest links to the
 * resource list, and its email and in-site lines each to their resource. Email links both in the HTML (as href)
 * and in the text part, the in-site body as `[text](url)`, WeChat through the template message's `url` (the
 * renewal page for the renewal types, else the console). SMS carry no link (templates/README.md says why).
 */
export function missingLinks(type: MessageType, message: RenderedMessage, ctx: MessageContext): MissingLink[] {
  const digest = ctx.count > 1;
  const list = `${ctx.consoleUrl}/resources`;
  const wanted: { link: string; what: MissingLink['what'] }[] = digest
    ? [{ link: list, what: 'console' }, ...ctx.items.map((i) => ({ link: i.consoleLink, what: 'console' as const }))]
    : [
        { link: ctx.first.consoleLink, what: 'console' },
        ...(RENEWAL_TYPES.has(type) ? [{ link: ctx.first.renewLink, what: 'renewal' as const }] : []),
      ];
  const lacking = (part: string, text: string, form: (link: string) => string) =>
    wanted.filter((w) => !text.includes(form(w.link))).map((w): MissingLink => ({ part, link: w.link, what: w.what }));
  switch (message.channel) {
    case 'email':
      return [
        ...lacking('html', message.html, (l) => `href="${Handlebars.Utils.escapeExpression(l)}"`),
        ...lacking('text', message.text, (l) => l),
      ];
    case 'inbox':
      return lacking('body', message.body, (l) => `](${l})`);
    case 'wechat': {
      const url = digest ? list : RENEWAL_TYPES.has(type) ? ctx.first.renewLink : ctx.first.consoleLink;
      return message.url === url ? [] : [{ part: 'url', link: url, what: digest || !RENEWAL_TYPES.has(type) ? 'console' : 'renewal' }];
    }
    case 'sms':
      return [];
  }
}

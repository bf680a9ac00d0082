import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import YAML from 'yaml';
import { z } from 'zod';
import { Channel, CHANNELS, MESSAGE_TYPES, MessageType } from '../lifecycle/message-types';
import { HELPER_NAMES, HELPERS } from './helpers';
import { Locale, LOCALES } from './message-context';
import { NOTICE_SAMPLES, sampleContext } from './sample-data';
import { checkTemplate } from './template-check';

/** The handlebars parts of each channel: `templates/<type>/<channel>.<locale>.<part>.hbs`; WeChat is `wechat.<locale>.yaml`. */
export const TEMPLATE_PARTS = { email: ['subject', 'html', 'text'], sms: ['text'], inbox: ['title', 'body'] } as const;

const PARTIALS_DIR = '_partials';

/** How a part's output is tidied: one line (subjects, SMS, WeChat values), plain text, or escaped HTML. */
export type Kind = 'line' | 'text' | 'html';

export interface Part {
  file: string;
  kind: Kind;
  fn: Handlebars.TemplateDelegate;
}

export interface WeChatTemplate {
  file: string;
  templateId: string;
  url: Part | undefined;
  fields: [key: string, part: Part][];
}

/** Compiled partials per locale, once HTML-escaping (email HTML) and once not (everything else). */
export type Partials = Record<Locale, Record<'html' | 'plain', Record<string, Handlebars.TemplateDelegate>>>;

export interface CompiledTemplates {
  dir: string;
  fileCount: number;
  parts: Map<string, Part>;
  wechat: Map<string, WeChatTemplate>;
  partials: Partials;
}

export class TemplateLoadError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid message templates in ${dir} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

export const templateKey = (type: MessageType, channel: Channel, locale: Locale, part = ''): string =>
  `${type}|${channel}|${locale}|${part}`;

const wechatFile = z.strictObject({
  templateId: z.string().min(1),
  url: z.string().min(1).optional(),
  fields: z
    .record(z.string().regex(/^[a-z_]+\d*$/, 'must be a WeChat template key such as thing1 or time2'), z.string().min(1))
    .refine((f) => Object.keys(f).length > 0, 'must map at least one template key'),
});

const HELPER_SET = new Set(HELPER_NAMES);
const FORMATTERS = new Set(['datetime', 'date', 'percent']);
const LOCALE_SUFFIX = new RegExp(`\\.(${LOCALES.join('|')})$`);

/**
 * Reads and compiles every template of a directory once, collecting every problem (missing or stray file, syntax
 * error, unknown helper or partial, a variable the type's data contract lacks, an optional key printed unguarded)
 * before failing with all of them.
 */
export function loadTemplates(dir: string): CompiledTemplates {
  return new Loader(path.resolve(dir)).load();
}

class Loader {
  private readonly env = Handlebars.create();
  private readonly problems: string[] = [];
  private readonly partialAsts = {} as Record<Locale, Map<string, hbs.AST.Program>>;
  private fileCount = 0;

  constructor(private readonly dir: string) {
    this.env.registerHelper(HELPERS);
  }

  load(): CompiledTemplates {
    if (!fs.existsSync(this.dir) || !fs.statSync(this.dir).isDirectory())
      throw new TemplateLoadError(this.dir, [`${this.dir}: not a directory`]);
    this.checkLayout();
    const partials = this.loadPartials();
    const parts = new Map<string, Part>();
    const wechat = new Map<string, WeChatTemplate>();
    for (const type of MESSAGE_TYPES) {
      for (const locale of LOCALES) {
        for (const channel of CHANNELS) {
          if (channel === 'wechat') {
            const t = this.loadWeChat(type, locale);
            if (t) wechat.set(templateKey(type, channel, locale), t);
            continue;
          }
          for (const name of TEMPLATE_PARTS[channel]) {
            const kind: Kind = name === 'html' ? 'html' : name === 'subject' || name === 'title' || channel === 'sms' ? 'line' : 'text';
            const file = path.join(type, `${channel}.${locale}.${name}.hbs`);
            const source = this.read(file);
            const part = source === undefined ? undefined : this.compile(file, source, kind, type, locale);
            if (part) parts.set(templateKey(type, channel, locale, name), part);
          }
        }
      }
    }
    if (this.problems.length) throw new TemplateLoadError(this.dir, this.problems);
    return { dir: this.dir, fileCount: this.fileCount, parts, wechat, partials };
  }

  /** Stray files are most often a misspelt type or locale: a template nobody would ever render. */
  private checkLayout(): void {
    const expected = new Set<string>();
    for (const type of MESSAGE_TYPES) {
      for (const locale of LOCALES) {
        for (const channel of CHANNELS) {
          if (channel === 'wechat') expected.add(path.join(type, `wechat.${locale}.yaml`));
          else for (const name of TEMPLATE_PARTS[channel]) expected.add(path.join(type, `${channel}.${locale}.${name}.hbs`));
        }
      }
    }
    for (const entry of fs.readdirSync(this.dir, { withFileTypes: true })) {
      if (entry.name === PARTIALS_DIR || entry.name.startsWith('.') || /^readme\.md$/i.test(entry.name)) continue;
      if (!entry.isDirectory() || !(MESSAGE_TYPES as readonly string[]).includes(entry.name)) {
        this.problems.push(`${entry.name}: not a message type (expected one of ${MESSAGE_TYPES.join(', ')})`);
        continue;
      }
      for (const f of fs.readdirSync(path.join(this.dir, entry.name))) {
        const file = path.join(entry.name, f);
        if (!expected.has(file))
          this.problems.push(`${file}: unexpected file (templates are <channel>.<locale>.<part>.hbs and wechat.<locale>.yaml)`);
      }
    }
  }

  /** `_partials/<name>.hbs` serves every locale; `_partials/<name>.<locale>.hbs` one locale and takes precedence. */
  private loadPartials(): Partials {
    const sources = Object.fromEntries(LOCALES.map((l) => [l, new Map<string, [file: string, source: string]>()])) as Record<
      Locale,
      Map<string, [file: string, source: string]>
    >;
    const dir = path.join(this.dir, PARTIALS_DIR);
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    const localized = (f: string) => LOCALE_SUFFIX.test(f.replace(/\.hbs$/, ''));
    // Shared partials first, so locale-specific ones overwrite them.
    for (const f of [...files.filter((f) => !localized(f)), ...files.filter(localized)]) {
      const file = path.join(PARTIALS_DIR, f);
      if (!f.endsWith('.hbs')) {
        this.problems.push(`${file}: partials must end in .hbs`);
        continue;
      }
      const base = f.slice(0, -'.hbs'.length);
      const m = LOCALE_SUFFIX.exec(base);
      const name = m ? base.slice(0, m.index) : base;
      // A partial is used inline: the file's final newline is not part of it.
      const source = this.read(file)!.replace(/\r?\n$/, '');
      for (const l of m ? [m[1] as Locale] : LOCALES) sources[l].set(name, [file, source]);
    }
    const out = {} as Partials;
    for (const l of LOCALES) {
      this.partialAsts[l] = new Map();
      out[l] = { html: {}, plain: {} };
      for (const [name, [file, source]] of sources[l]) {
        const ast = this.parse(file, source);
        if (!ast) continue;
        this.partialAsts[l].set(name, ast);
        out[l].html[name] = this.env.compile(ast, options('html'));
        out[l].plain[name] = this.env.compile(ast, options('text'));
      }
    }
    return out;
  }

  private loadWeChat(type: MessageType, locale: Locale): WeChatTemplate | undefined {
    const file = path.join(type, `wechat.${locale}.yaml`);
    const source = this.read(file);
    if (source === undefined) return undefined;
    let doc: unknown;
    try {
      doc = YAML.parse(source);
    } catch (err) {
      this.problems.push(`${file}: ${(err as Error).message}`);
      return undefined;
    }
    const parsed = wechatFile.safeParse(doc);
    if (!parsed.success) {
      for (const i of parsed.error.issues) this.problems.push(`${file}: ${i.path.join('.') || '(file)'}: ${i.message}`);
      return undefined;
    }
    const { templateId, url, fields } = parsed.data;
    const compiled = Object.entries(fields).map(([k, src]) => [k, this.compile(`${file} fields.${k}`, src, 'line', type, locale)] as const);
    const urlPart = url === undefined ? undefined : this.compile(`${file} url`, url, 'line', type, locale);
    if (compiled.some(([, p]) => !p) || (url !== undefined && !urlPart)) return undefined;
    return { file, templateId, url: urlPart, fields: compiled as [string, Part][] };
  }

  private read(file: string): string | undefined {
    const full = path.join(this.dir, file);
    if (!fs.existsSync(full)) {
      this.problems.push(`${file}: missing`);
      return undefined;
    }
    this.fileCount++;
    return fs.readFileSync(full, 'utf8');
  }

  private parse(file: string, source: string): hbs.AST.Program | undefined {
    try {
      return keepPartialLineBreaks(this.env.parse(source));
    } catch (err) {
      // Handlebars' message spans lines: where it failed, the source excerpt, what it expected.
      const lines = (err as Error).message.split('\n');
      this.problems.push(`${file}: ${lines.length > 1 ? `${lines[0]} ${lines[lines.length - 1]}` : lines[0]}`);
      return undefined;
    }
  }

  private compile(file: string, source: string, kind: Kind, type: MessageType, locale: Locale): Part | undefined {
    const ast = this.parse(file, source);
    if (!ast) return undefined;
    const found = checkTemplate({
      ast,
      sample: sampleContext(type, locale, { digest: true }) as unknown as Record<string, unknown>,
      optional: optionalPaths(type),
      partials: this.partialAsts[locale],
      helpers: HELPER_SET,
      formatters: FORMATTERS,
    });
    for (const p of found) this.problems.push(`${file}: ${p}`);
    if (found.length) return undefined;
    return { file, kind, fn: this.env.compile(ast, options(kind)) };
  }
}

const options = (kind: Kind): CompileOptions => ({
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(HELPER_NAMES.map((h) => [h, true])),
  noEscape: kind !== 'html',
});

/** An optional key may be read through `first` or any element of `items`. */
const optionalPaths = (type: MessageType): Set<string> =>
  new Set(NOTICE_SAMPLES[type].optional.flatMap((k) => [`first.${k}`, `items[].${k}`]));

/**
 * Handlebars drops the line break after a partial that stands alone on its line, expecting the partial to end with
 * one; ours are inline snippets without it, so the line break is put back: such a line reads like any other line.
 */
function keepPartialLineBreaks(program: hbs.AST.Program): hbs.AST.Program {
  const body = program.body as (hbs.AST.Statement & { program?: hbs.AST.Program; inverse?: hbs.AST.Program })[];
  body.forEach((node, i) => {
    if (node.program) keepPartialLineBreaks(node.program);
    if (node.inverse) keepPartialLineBreaks(node.inverse);
    // The typings call `original` strip flags; at run time it is the content as written.
    const next = body[i + 1] as unknown as { type: string; value: string; original: string; rightStripped?: boolean } | undefined;
    if (node.type !== 'PartialStatement' || next?.type !== 'ContentStatement' || !next.rightStripped) return;
    const lineBreak = /^[ \t]*(\r?\n)/.exec(next.original);
    if (lineBreak) next.value = lineBreak[1] + next.value;
  });
  return program;
}

import type { RenderedMessage } from './rendered-message';
import { Channel, CHANNELS, MESSAGE_TYPE_SPECS, MESSAGE_TYPES, MessageType } from '../lifecycle/message-types';
import { escapeFormatting, withConsolePaths } from './in-site';
import { Locale, LOCALES, MessageContext } from './message-context';
import { NOTICE_SAMPLES, sampleContext, SampleOptions } from './sample-data';
import { missingLinks } from './template-check';
import { CompiledTemplates, Kind, loadTemplates, Part, TemplateLoadError, templateKey } from './template-loader';

export { TemplateLoadError, TEMPLATE_PARTS } from './template-loader';

/** A template failed on real data: the delivery fails with this rather than send a blank or broken message. */
export class TemplateRenderError extends Error {}

/**
 * Every message template, compiled once. load() refuses to start on any problem loadTemplates() finds, or when a
 * part fails or renders empty on its type's samples: a single notice, a digest, and one with every optional key null.
 */
export class TemplateRegistry {
  /** Use TemplateRegistry.load(): it checks what this trusts. */
  constructor(private readonly t: CompiledTemplates) {}

  static load(dir: string): TemplateRegistry {
    const registry = new TemplateRegistry(loadTemplates(dir));
    registry.renderSamples();
    return registry;
  }

  get dir(): string {
    return this.t.dir;
  }

  /** Template files compiled, partials included. */
  get fileCount(): number {
    return this.t.fileCount;
  }

  render(type: MessageType, channel: Channel, locale: Locale, context: MessageContext): RenderedMessage {
    const ctx = forChannel(channel, normalize(type, locale, context));
    const part = (name: string, c = ctx) => this.run(this.t.parts.get(templateKey(type, channel, locale, name))!, c);
    switch (channel) {
      case 'inbox':
        return {
          channel,
          title: part('title'),
          body: part('body', escapeFormatting(ctx)),
          category: MESSAGE_TYPE_SPECS[type].category,
        };
      case 'email':
        return { channel, subject: part('subject'), html: part('html'), text: part('text') };
      case 'sms':
        return { channel, body: part('text') };
      case 'wechat': {
        const w = this.t.wechat.get(templateKey(type, channel, locale))!;
        const data = Object.fromEntries(w.fields.map(([k, p]) => [k, this.run(p, ctx)]));
        const url = w.url && this.run(w.url, ctx, true);
        return { channel, templateId: w.templateId, data, ...(url ? { url } : {}) };
      }
    }
  }

  /** The message a type renders to with its sample data (sample-data.ts). */
  preview(type: MessageType, channel: Channel, locale: Locale, options: SampleOptions = {}): RenderedMessage {
    return this.render(type, channel, locale, sampleContext(type, locale, options));
  }

  private run(part: Part, ctx: MessageContext, mayBeEmpty = false): string {
    let out: string;
    try {
      out = tidy(part.kind, part.fn(ctx, { partials: this.t.partials[ctx.locale][part.kind === 'html' ? 'html' : 'plain'] }));
    } catch (err) {
      throw new TemplateRenderError(`${part.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!out && !mayBeEmpty) throw new TemplateRenderError(`${part.file}: rendered empty`);
    return out;
  }

  private fileOf(type: MessageType, channel: Channel, locale: Locale, part: string): string {
    return channel === 'wechat'
      ? `${this.t.wechat.get(templateKey(type, channel, locale))!.file} ${part}`
      : this.t.parts.get(templateKey(type, channel, locale, part))!.file;
  }

  private renderSamples(): void {
    const problems: string[] = [];
    const variants: [SampleOptions, string][] = [
      [{}, ''],
      [{ digest: true }, ' (digest sample)'],
      [{ sparse: true }, ' (sample without optional keys)'],
    ];
    for (const type of MESSAGE_TYPES) {
      for (const locale of LOCALES) {
        for (const channel of CHANNELS) {
          for (const [options, label] of variants) {
            try {
              const ctx = sampleContext(type, locale, options);
              const message = this.render(type, channel, locale, ctx);
              const missing = missingLinks(type, message, forChannel(channel, normalize(type, locale, ctx)));
              if (missing.length) {
                problems.push(
                  ...missing.map(
                    (m) =>
                      `${this.fileOf(type, channel, locale, m.part)}: does not link to the ${m.what === 'renewal' ? 'renewal page' : 'console'} ${m.link}${label}`,
                  ),
                );
                break;
              }
            } catch (err) {
              // One problem per part: the other samples would repeat it.
              problems.push(`${(err as Error).message}${label}`);
              break;
            }
          }
        }
      }
    }
    if (problems.length) throw new TemplateLoadError(this.t.dir, problems);
  }
}

/** In-site messages link relative to the console they are read in (see in-site.ts). */
const forChannel = (channel: Channel, ctx: MessageContext): MessageContext => (channel === 'inbox' ? withConsolePaths(ctx) : ctx);

/** Optional keys a notice left out become null, so templates' {{#if}} guards see them; count and first follow items. */
function normalize(type: MessageType, locale: Locale, ctx: MessageContext): MessageContext {
  if (!ctx.items?.length) throw new TemplateRenderError(`${type}: a message needs at least one item`);
  const optional = NOTICE_SAMPLES[type].optional;
  const items = ctx.items.map((item) => {
    const missing = optional.filter((k) => item[k] === undefined);
    return missing.length ? { ...item, ...Object.fromEntries(missing.map((k) => [k, null])) } : item;
  });
  return { ...ctx, locale, type, items, first: items[0], count: items.length };
}

// Chinese runs on without spaces, so a template's line break next to a CJK character or full-width mark joins the text.
const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

function tidy(kind: Kind, s: string): string {
  if (kind === 'line') {
    return s
      .replace(/\s*\n\s*/g, (m, at: number, all: string) => (CJK.test(all[at - 1] ?? '') || CJK.test(all[at + m.length] ?? '') ? '' : ' '))
      .replace(/\s+/g, ' ')
      .trim();
  }
  if (kind === 'text') {
    return s
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }
  return s.trim();
}

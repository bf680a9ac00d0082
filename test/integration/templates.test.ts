import path from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import type { RenderedMessage } from '../../src/templates/rendered-message';
import { ControllableClock, SystemWallClock } from '../../src/common/clock';
import { CoreModule } from '../../src/common/core.module';
import { loadConfig } from '../../src/config/config';
import { CHANNELS, MESSAGE_TYPE_SPECS, MESSAGE_TYPES, MessageType } from '../../src/lifecycle/message-types';
import { LOCALES, Locale, RENEWAL_TYPES } from '../../src/templates/message-context';
import { NOTICE_SAMPLES, sampleContext } from '../../src/templates/sample-data';
import { TemplateRegistry } from '../../src/templates/template-registry';
import { TemplatesModule } from '../../src/templates/templates.module';

// Loading the real directory is the start-up check: a missing file or unknown variable fails this whole suite.
const registry = TemplateRegistry.load(path.resolve(__dirname, '../../templates'));
const CONSOLE = 'http://localhost:3000/console';

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
// GSM 03.38 basic alphabet and its extension table: anything else turns an SMS into 70-character UCS-2 segments.
const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

const strings = (m: RenderedMessage): string[] => {
  switch (m.channel) {
    case 'inbox':
      return [m.title, m.body];
    case 'email':
      return [m.subject, m.html, m.text];
    case 'sms':
      return [m.body];
    case 'wechat':
      return Object.values(m.data);
  }
};

const cases = MESSAGE_TYPES.flatMap((type) =>
  LOCALES.flatMap((locale) => CHANNELS.flatMap((channel) => [false, true].map((digest) => ({ type, locale, channel, digest })))),
);

function render(type: MessageType, channel: (typeof CHANNELS)[number], locale: Locale, digest = false): RenderedMessage {
  return registry.preview(type, channel, locale, { digest, consoleUrl: CONSOLE });
}

const text = (m: RenderedMessage): string => strings(m).join('\n');

describe('message templates: every type × channel × locale renders the sample data', () => {
  it.each(cases)('$type $channel $locale (digest: $digest) renders non-empty text in its language', ({ type, channel, locale, digest }) => {
    const m = render(type, channel, locale, digest);
    expect(m.channel).toBe(channel);
    for (const s of strings(m)) expect(s.trim()).not.toBe('');
    if (locale === 'zh-CN') expect(text(m)).toMatch(CJK);
    else expect(text(m)).not.toMatch(CJK);
  });

  it.each(cases.filter((c) => c.channel === 'sms'))(
    '$type SMS in $locale (digest: $digest) fits one message',
    ({ type, locale, digest }) => {
      const m = render(type, 'sms', locale, digest);
      if (m.channel !== 'sms') throw new Error('not an SMS');
      expect(m.body).not.toContain('\n');
      if (locale === 'zh-CN') {
        expect([...m.body].length).toBeLessThanOrEqual(70);
      } else {
        expect(m.body.length).toBeLessThanOrEqual(160);
        expect(m.body).toMatch(GSM);
      }
    },
  );

  it.each(cases.filter((c) => c.channel === 'email'))(
    '$type email in $locale (digest: $digest) says why it was sent',
    ({ type, locale, digest }) => {
      const m = render(type, 'email', locale, digest);
      if (m.channel !== 'email') throw new Error('not an email');
      expect(m.subject).not.toContain('\n');
      expect(m.html).toMatch(/^<!DOCTYPE html>/);
      expect(m.html).toContain(`href="${CONSOLE}/subscriptions"`);
      expect(m.text).toContain(`${CONSOLE}/subscriptions`);
      expect(m.text).not.toMatch(/<\/?[a-z]+[ >]/);
    },
  );

  it.each(cases.filter((c) => c.channel === 'inbox'))(
    "$type inbox message in $locale carries the type's category",
    ({ type, locale, digest }) => {
      expect(render(type, 'inbox', locale, digest)).toMatchObject({ category: MESSAGE_TYPE_SPECS[type].category });
    },
  );

  it.each(MESSAGE_TYPES)('%s WeChat message maps the same template keys in both locales, with typed values', (type) => {
    const [zh, en] = LOCALES.map((l) => render(type, 'wechat', l));
    if (zh.channel !== 'wechat' || en.channel !== 'wechat') throw new Error('not WeChat');
    expect(Object.keys(zh.data).sort()).toEqual(Object.keys(en.data).sort());
    for (const m of [zh, en]) {
      expect(m.templateId).toMatch(/\S/);
      expect(Object.keys(m.data).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(m.data)) {
        expect(key).toMatch(/^[a-z_]+\d+$/);
        if (key.startsWith('time')) expect(value).toMatch(/^\d{4}(年\d{1,2}月\d{1,2}日|-\d{2}-\d{2})( \d{2}:\d{2})?$/);
        if (key.startsWith('character_string')) expect(value).toMatch(/^[\x20-\x7e]{1,32}$/);
      }
    }
  });
});

describe('every message says what to do next: links to the console and, for expiry, stop, release and renewal failure, to renew', () => {
  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/=/g, '&#x3D;');
  const inConsole = (link: string) => link.slice('http://localhost:3000'.length);

  it.each(cases)('$type $channel $locale (digest: $digest)', ({ type, locale, channel, digest }) => {
    const ctx = sampleContext(type, locale, { digest, consoleUrl: CONSOLE });
    const m = render(type, channel, locale, digest);
    const renewal = RENEWAL_TYPES.has(type) && !digest;
    // A single notice: its resource's page (the resource list for an account-level notice); a digest: the list and each line's resource.
    const consoleLinks = digest ? [`${CONSOLE}/resources`, ...ctx.items.map((i) => i.consoleLink)] : [ctx.first.consoleLink];
    for (const link of consoleLinks) expect(link).toMatch(/^http:\/\/localhost:3000\/console\/resources(\/[\w.:@-]+)?$/);
    const links = renewal ? [...consoleLinks, ctx.first.renewLink] : consoleLinks;
    if (renewal) expect(ctx.first.renewLink).toMatch(/^https:\/\/console\.(cloud\.tencent|example-cloud)\.com\//);
    switch (m.channel) {
      case 'email':
        for (const link of links) {
          expect(m.html).toContain(`href="${escapeHtml(link)}"`);
          expect(m.text).toContain(link);
        }
        break;
      case 'inbox':
        // Read inside the console: its links are console paths, renewal pages stay absolute.
        for (const link of links) expect(m.body).toContain(`](${link.startsWith(CONSOLE) ? inConsole(link) : link})`);
        break;
      case 'wechat':
        expect(m.url).toBe(digest ? `${CONSOLE}/resources` : renewal ? ctx.first.renewLink : ctx.first.consoleLink);
        break;
      case 'sms':
        // No link fits an SMS segment (templates/README.md): the text names the console instead.
        expect(m.body).not.toMatch(/https?:\/\//);
        break;
    }
  });

  it('a destroyed resource cannot be renewed: its messages link to the console only', () => {
    const m = render('resource_destroyed', 'email', 'en-US');
    if (m.channel !== 'email') throw new Error('not an email');
    expect(m.html).not.toMatch(/console\.(cloud\.tencent|example-cloud)\.com/);
    expect(m.html).toContain(`href="${CONSOLE}/resources/push-8f3a2c"`);
  });
});

describe('message copy follows the lifecycle semantics', () => {
  const inbox = (type: MessageType, locale: Locale, data: Record<string, unknown> = {}, index = 0) => {
    const ctx = sampleContext(type, locale);
    ctx.items[0] = { ...ctx.items[0], ...NOTICE_SAMPLES[type].notices[index].data, ...data };
    const m = registry.render(type, 'inbox', locale, ctx);
    return m.channel === 'inbox' ? m.body : '';
  };

  it('the TPNS stop notice says device registration still works but pushing does not, and only TPNS says so', () => {
    expect(inbox('service_stopped', 'zh-CN')).toContain('设备注册、账号和标签绑定仍可正常使用，但推送功能不可用');
    expect(inbox('service_stopped', 'en-US')).toContain('device registration and account and tag binding still work, but pushing does not');
    expect(text(render('service_stopped', 'sms', 'zh-CN'))).toContain('设备注册仍可用，推送不可用');
    expect(inbox('service_stopped', 'en-US', {}, 1)).not.toContain('device registration');
  });

  it('a stop for arrears names the unpaid bill and asks for a top-up', () => {
    const body = inbox('service_stopped', 'en-US', {}, 2);
    expect(body).toContain('unpaid balance (bill of May 14, 2026)');
    expect(body).toContain('Top up');
  });

  it('a failed auto-renewal names the next attempt, or asks for a manual renewal when none is left', () => {
    expect(inbox('autorenew_failed', 'zh-CN')).toContain('系统将于 2026年5月7日 01:00 (UTC+8) 再次尝试扣费');
    expect(inbox('autorenew_failed', 'en-US')).toContain('The next charge attempt is at May 7, 2026, 1:00 AM (UTC+8)');
    expect(inbox('autorenew_failed', 'en-US', { nextAttemptAt: null })).toContain('please renew manually');
  });

  it('a failed traffic-pack renewal says traffic is now billed postpaid', () => {
    expect(inbox('autorenew_failed', 'zh-CN', {}, 1)).toContain('按后付费方式计费');
    expect(inbox('autorenew_failed', 'en-US', {}, 1)).toContain('billed postpaid');
    expect(inbox('autorenew_failed', 'en-US', {}, 0)).not.toContain('postpaid');
  });

  it('a usage alert states the percentage used and the threshold', () => {
    expect(inbox('usage_threshold', 'zh-CN')).toContain('已使用 92.4%（462 / 500），达到 90% 的提醒阈值');
    expect(inbox('usage_threshold', 'en-US')).toContain('has used 92.4% (462 of 500), reaching the 90% alert threshold');
    expect(inbox('usage_threshold', 'en-US', {}, 2)).toContain('Further usage is billed postpaid');
  });

  it('a Huawei expiry notice gives the grace period and the frozen and deletion dates', () => {
    expect(inbox('expiry_notice', 'zh-CN')).toContain(
      '资源已进入 7 天宽限期，宽限期结束（2026年5月15日 12:00 (UTC+8)）后将被冻结；冻结后保留 15 天，2026年5月30日 12:00 (UTC+8) 起数据将被删除且无法恢复',
    );
    expect(inbox('expiry_notice', 'en-US')).toContain(
      '7-day grace period and is frozen when the grace period ends (May 15, 2026, 12:00 PM (UTC+8))',
    );
    expect(inbox('expiry_reminder', 'en-US', {}, 1)).toContain('enters a 7-day grace period');
  });

  it('enabling auto-renewal too close to expiry warns to renew manually', () => {
    expect(inbox('autorenew_changed', 'zh-CN')).toContain('建议您立即手动续费');
    expect(inbox('autorenew_changed', 'en-US', { warning: false })).not.toContain('renewing it manually');
  });

  it('a reminder says how far off the expiry is, counted from when it is sent', () => {
    expect(inbox('expiry_reminder', 'en-US')).toContain('(UTC+8), in 3 days.');
    expect(inbox('expiry_reminder', 'zh-CN')).toContain('(UTC+8) 到期（3 天后）');
    // The IoT sample expires at 17:00 the day after the reminder.
    expect(inbox('expiry_reminder', 'en-US', {}, 2)).toContain('(UTC+8), tomorrow.');
    expect(inbox('expiry_notice', 'en-US')).toContain('expired on May 8, 2026, 12:00 PM (UTC+8), 3 days ago.');
  });
});

describe('GET /v1/templates/{type}/preview', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', MONGODB_URI: 'mongodb://127.0.0.1:1/unused', PUBLIC_URL: 'https://herald.example' });
    @Module({
      imports: [
        CoreModule.forRoot(config, new ControllableClock(new Date('2026-05-07T02:00:00Z')), new SystemWallClock()),
        TemplatesModule,
      ],
    })
    class PreviewModule {}
    app = await NestFactory.create(PreviewModule, { logger: false });
    await app.init();
  });
  afterAll(() => app?.close());

  it('renders the sample message for a channel and locale', async () => {
    const res = await request(app.getHttpServer()).get('/v1/templates/expiry_reminder/preview?channel=sms&locale=en-US').expect(200);
    expect(res.body).toEqual({ channel: 'sms', body: expect.stringContaining('shop-app-push') });
  });

  it('renders with the current clock: relative times count from now', async () => {
    // The clock says 2026-05-07 10:00 in Shanghai; the sample TPNS resource expires the next day.
    const res = await request(app.getHttpServer()).get('/v1/templates/expiry_reminder/preview?channel=sms&locale=en-US').expect(200);
    expect(res.body.body).toContain('expires on May 8 (tomorrow)');
  });

  it('renders the digest sample with links to the configured public URL', async () => {
    const res = await request(app.getHttpServer()).get('/v1/templates/expiry_notice/preview?channel=wechat&digest=true').expect(200);
    expect(res.body).toMatchObject({ channel: 'wechat', url: 'https://herald.example/console/resources' });
  });

  it('answers 400 naming the bad query fields', async () => {
    const res = await request(app.getHttpServer()).get('/v1/templates/expiry_reminder/preview?channel=fax&timeZone=Mars/Base').expect(400);
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['channel', 'timeZone']);
  });

  it('answers 404 for an unknown message type', async () => {
    await request(app.getHttpServer()).get('/v1/templates/nope/preview?channel=email').expect(404);
  });
});

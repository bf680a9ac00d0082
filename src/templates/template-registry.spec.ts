import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildMessageContext } from './message-context';
import { NOTICE_SAMPLES, sampleContext } from './sample-data';
import { TemplateLoadError, TemplateRegistry, TemplateRenderError } from './template-registry';

const REAL = path.resolve(__dirname, '../../templates');

/** A scratch copy of the real templates, changed by `edit` before loading. */
function loadEdited(edit: (dir: string) => void): TemplateRegistry {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-templates-'));
  try {
    fs.cpSync(REAL, dir, { recursive: true });
    edit(dir);
    return TemplateRegistry.load(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function loadError(edit: (dir: string) => void): string {
  try {
    loadEdited(edit);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateLoadError);
    return (err as Error).message;
  }
  throw new Error('the templates loaded');
}

const append = (dir: string, file: string, text: string) => fs.appendFileSync(path.join(dir, file), text);

describe('TemplateRegistry.load', () => {
  it('refuses a directory with a missing template file, naming the file', () => {
    const message = loadError((dir) => fs.rmSync(path.join(dir, 'expiry_reminder/sms.en-US.text.hbs')));
    expect(message).toContain('expiry_reminder/sms.en-US.text.hbs: missing');
  });

  it('refuses a missing WeChat mapping, naming the file', () => {
    const message = loadError((dir) => fs.rmSync(path.join(dir, 'low_balance/wechat.zh-CN.yaml')));
    expect(message).toContain('low_balance/wechat.zh-CN.yaml: missing');
  });

  it('refuses a variable the data does not provide, naming the file and the variable', () => {
    const message = loadError((dir) => append(dir, 'low_balance/inbox.zh-CN.title.hbs', '{{nope}}'));
    expect(message).toMatch(/low_balance\/inbox\.zh-CN\.title\.hbs: "nope" is not provided by the data \(line \d+\)/);
  });

  it('refuses unknown variables where strict mode would stay silent: block and helper arguments, untaken branches', () => {
    const message = loadError((dir) => {
      append(dir, 'expiry_notice/inbox.en-US.body.hbs', '{{#if first.nope1}}x{{/if}}');
      append(dir, 'expiry_notice/email.en-US.subject.hbs', '{{date first.nope2}}');
      append(dir, 'expiry_notice/sms.en-US.text.hbs', '{{#if (gt count 99)}}{{nope3}}{{/if}}');
      append(dir, 'expiry_notice/email.en-US.text.hbs', '{{#each items}}{{nope4}}{{/each}}');
    });
    expect(message).toContain('expiry_notice/inbox.en-US.body.hbs: "first.nope1"');
    expect(message).toContain('expiry_notice/email.en-US.subject.hbs: "first.nope2"');
    expect(message).toContain('expiry_notice/sms.en-US.text.hbs: "nope3"');
    expect(message).toContain('expiry_notice/email.en-US.text.hbs: "nope4"');
  });

  it('refuses an optional key printed without an {{#if}} guard, so no notice renders a blank', () => {
    const message = loadError((dir) => append(dir, 'service_stopped/inbox.zh-CN.title.hbs', '{{datetime first.destroyAt}}'));
    expect(message).toContain('service_stopped/inbox.zh-CN.title.hbs: "first.destroyAt" may be null');
  });

  it('refuses syntax errors, unknown helpers, partials and stray files, listing every problem', () => {
    const message = loadError((dir) => {
      append(dir, 'account_overdue/inbox.en-US.body.hbs', '{{#if}}');
      append(dir, 'account_overdue/sms.zh-CN.text.hbs', '{{shout account.name}}');
      append(dir, 'account_overdue/email.zh-CN.text.hbs', '{{> signature}}');
      fs.writeFileSync(path.join(dir, 'account_overdue/sms.zh-TW.text.hbs'), 'x');
      fs.mkdirSync(path.join(dir, 'expiry_remider'));
    });
    expect(message).toMatch(/account_overdue\/inbox\.en-US\.body\.hbs: Parse error on line \d+: .*Expecting/);
    expect(message).toContain('account_overdue/sms.zh-CN.text.hbs: "shout" is not a helper templates may use');
    expect(message).toContain('account_overdue/email.zh-CN.text.hbs: "> signature" is not a known partial');
    expect(message).toContain('account_overdue/sms.zh-TW.text.hbs: unexpected file');
    expect(message).toContain('expiry_remider: not a message type');
  });

  it('refuses a WeChat mapping with a malformed field key', () => {
    const message = loadError((dir) => append(dir, 'usage_threshold/wechat.en-US.yaml', "  'Thing 9': '{{count}}'\n"));
    expect(message).toContain('usage_threshold/wechat.en-US.yaml: fields.Thing 9');
  });

  it('refuses a template that does not link to the console, naming the file', () => {
    const message = loadError((dir) => {
      const file = path.join(dir, 'autorenew_succeeded/inbox.en-US.body.hbs');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{{> inbox-links renew=false}}', ''));
      fs.writeFileSync(
        path.join(dir, 'low_balance/email.zh-CN.text.hbs'),
        '{{> low-balance-detail first}}\n\n{{> email-footer topic="x"}}\n',
      );
      fs.writeFileSync(path.join(dir, 'resource_destroyed/wechat.en-US.yaml'), "templateId: X\nfields:\n  thing1: '{{> name first}}'\n");
    });
    expect(message).toContain('autorenew_succeeded/inbox.en-US.body.hbs: does not link to the console /console/resources/iot-cn-6ja1f9');
    expect(message).toContain('low_balance/email.zh-CN.text.hbs: does not link to the console http://localhost:3000/console/resources');
    expect(message).toContain(
      'resource_destroyed/wechat.en-US.yaml url: does not link to the console http://localhost:3000/console/resources/push-8f3a2c',
    );
  });

  it('refuses an expiry, stop, release or renewal-failure template without the renewal link, naming the file', () => {
    const message = loadError((dir) => {
      const file = path.join(dir, 'destroy_warning/email.en-US.html.hbs');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{{> renew-url}}', '{{> resource-url}}'));
      const inbox = path.join(dir, 'expiry_notice/inbox.zh-CN.body.hbs');
      fs.writeFileSync(inbox, fs.readFileSync(inbox, 'utf8').replace('{{> inbox-links renew=true}}', '{{> inbox-links renew=false}}'));
    });
    expect(message).toContain(
      'destroy_warning/email.en-US.html.hbs: does not link to the renewal page https://console.example-cloud.com/iot/renew?instanceId=iot-cn-6ja1f9&region=cn-shanghai',
    );
    expect(message).toContain(
      'expiry_notice/inbox.zh-CN.body.hbs: does not link to the renewal page https://console.example-cloud.com/renewals?resourceId=ac-51e0b7',
    );
  });

  it('refuses a digest that does not link each of its lines to the resource', () => {
    const message = loadError((dir) => {
      const file = path.join(dir, 'expiry_reminder/inbox.en-US.body.hbs');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('- {{> resource-link}}', '- {{> resource}}'));
    });
    expect(message).toContain(
      'expiry_reminder/inbox.en-US.body.hbs: does not link to the console /console/resources/push-8f3a2c (digest sample)',
    );
  });

  it('refuses a part that renders empty for the sample data', () => {
    const message = loadError((dir) =>
      fs.writeFileSync(path.join(dir, 'low_balance/inbox.en-US.title.hbs'), '{{#if (gt count 1)}}x{{/if}}\n'),
    );
    expect(message).toContain('low_balance/inbox.en-US.title.hbs: rendered empty');
  });
});

describe('TemplateRegistry.render', () => {
  const registry = TemplateRegistry.load(REAL);

  it('lists every resource of a digest, in the list and in the count', () => {
    const ctx = sampleContext('expiry_reminder', 'en-US', { digest: true });
    expect(ctx.count).toBeGreaterThan(1);
    const email = registry.render('expiry_reminder', 'email', 'en-US', ctx);
    const inbox = registry.render('expiry_reminder', 'inbox', 'en-US', ctx);
    if (email.channel !== 'email' || inbox.channel !== 'inbox') throw new Error('wrong channel');
    expect(email.subject).toContain(`${ctx.count} of your resources`);
    for (const item of ctx.items) {
      expect(email.html).toContain(String(item.resourceId));
      expect(email.text).toContain(String(item.resourceName));
      expect(inbox.body).toContain(String(item.resourceName));
    }
    expect(inbox.body.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(ctx.count);
  });

  it("shows dates in the recipient's time zone and language", () => {
    // expiresAt 2026-05-08T06:30:00Z
    const ny = registry.render(
      'expiry_reminder',
      'inbox',
      'en-US',
      sampleContext('expiry_reminder', 'en-US', { timeZone: 'America/New_York' }),
    );
    const sh = registry.render(
      'expiry_reminder',
      'inbox',
      'zh-CN',
      sampleContext('expiry_reminder', 'zh-CN', { timeZone: 'Asia/Shanghai' }),
    );
    if (ny.channel !== 'inbox' || sh.channel !== 'inbox') throw new Error('wrong channel');
    expect(ny.body).toContain('May 8, 2026, 2:30 AM (UTC-4)');
    expect(sh.body).toContain('2026年5月8日 14:30 (UTC+8)');
  });

  it('renders a notice that leaves optional keys out as if they were null', () => {
    const ctx = sampleContext('service_stopped', 'zh-CN');
    for (const key of NOTICE_SAMPLES.service_stopped.optional) delete ctx.items[0][key];
    const sms = registry.render('service_stopped', 'sms', 'zh-CN', ctx);
    expect(sms).toEqual({ channel: 'sms', body: expect.stringContaining('已因到期停服') });
    expect(JSON.stringify(sms)).not.toMatch(/推送|删除/);
  });

  it('fails, naming the file, when a notice lacks a key its type always has', () => {
    const ctx = sampleContext('usage_threshold', 'en-US');
    delete ctx.items[0].usedPercent;
    expect(() => registry.render('usage_threshold', 'sms', 'en-US', ctx)).toThrow(TemplateRenderError);
    expect(() => registry.render('usage_threshold', 'sms', 'en-US', ctx)).toThrow(/usage_threshold\/sms\.en-US\.text\.hbs/);
  });

  it('escapes data in email HTML only', () => {
    const ctx = buildMessageContext({
      ...sampleContext('autorenew_succeeded', 'en-US'),
      notices: [
        {
          ...NOTICE_SAMPLES.autorenew_succeeded.notices[0],
          data: { ...NOTICE_SAMPLES.autorenew_succeeded.notices[0].data, resourceName: '<b>&app' },
        },
      ],
    });
    const email = registry.render('autorenew_succeeded', 'email', 'en-US', ctx);
    const inbox = registry.render('autorenew_succeeded', 'inbox', 'en-US', ctx);
    if (email.channel !== 'email' || inbox.channel !== 'inbox') throw new Error('wrong channel');
    expect(email.html).toContain('&lt;b&gt;&amp;app');
    expect(email.html).not.toContain('<b>&app');
    expect(email.text).toContain('<b>&app');
    expect(inbox.title).toContain('<b>&app');
  });

  it("gives inbox messages the type's category and WeChat messages a template id, keyed fields and a console link", () => {
    expect(registry.preview('low_balance', 'inbox', 'zh-CN')).toMatchObject({ channel: 'inbox', category: 'billing' });
    const wechat = registry.preview('autorenew_succeeded', 'wechat', 'zh-CN', { consoleUrl: 'https://herald.example/console' });
    expect(wechat).toEqual({
      channel: 'wechat',
      templateId: expect.any(String),
      data: expect.objectContaining({ thing1: 'factory-line-01', time3: '2027年5月8日 17:00' }),
      url: 'https://herald.example/console/resources/iot-cn-6ja1f9',
    });
    // An expiry reminder's WeChat message opens the product's renewal page (TPNS's policy names one).
    expect(registry.preview('expiry_reminder', 'wechat', 'zh-CN')).toMatchObject({
      url: 'https://console.cloud.tencent.com/account/renewal',
    });
  });

  it('writes in-site links relative to the console and escapes formatting in data, but not in its own links', () => {
    const ctx = sampleContext('expiry_reminder', 'en-US', { digest: true, consoleUrl: 'https://herald.example/console' });
    ctx.items[0] = { ...ctx.items[0], resourceName: 'a **b** [c](javascript:x) \\ -d\n- e' };
    const inbox = registry.render('expiry_reminder', 'inbox', 'en-US', ctx);
    const email = registry.render('expiry_reminder', 'email', 'en-US', ctx);
    if (inbox.channel !== 'inbox' || email.channel !== 'email') throw new Error('wrong channel');
    expect(inbox.body).toContain('- [a \\*\\*b\\*\\* \\[c\\](javascript:x) \\\\ -d - e (push-8f3a2c)](/console/resources/push-8f3a2c)');
    expect(inbox.body).toContain('[Renew](https://console.cloud.tencent.com/account/renewal)');
    expect(inbox.body).toContain('[All resources in the console](/console/resources)');
    // Other channels carry absolute links and the data as it is.
    expect(email.text).toContain('Console: https://herald.example/console/resources/push-8f3a2c');
    expect(email.text).toContain('a **b** [c](javascript:x)');
  });

  it('counts relative times from the send instant it is given', () => {
    const at = (now: string) => {
      const m = registry.render('expiry_reminder', 'sms', 'zh-CN', sampleContext('expiry_reminder', 'zh-CN', { now }));
      return m.channel === 'sms' ? m.body : '';
    };
    // TPNS sample: expires 2026-05-08 14:30 in Shanghai.
    expect(at('2026-05-05T02:00:00Z')).toContain('（3 天后）');
    expect(at('2026-05-07T01:00:00Z')).toContain('（明天）');
    expect(at('2026-05-08T00:00:00Z')).toContain('（今天）');
  });

  it('refuses a context without items', () => {
    const ctx = { ...sampleContext('low_balance', 'en-US'), items: [] };
    expect(() => registry.render('low_balance', 'inbox', 'en-US', ctx)).toThrow(/at least one item/);
  });
});

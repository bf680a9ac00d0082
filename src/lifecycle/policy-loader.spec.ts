import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicies, loadPolicy, parsePolicy, PolicyError, policySet } from './policy-loader';
import { expandRenewUrl } from './policy.schema';

const POLICY_DIR = join(__dirname, '../../policies');

function basePolicy(): any {
  return {
    product: 'demo',
    name: 'Demo',
    version: 1,
    source: 'test',
    rules: [
      { type: 'expiry_reminder', days: { from: -7, to: -1 }, at: '10:00' },
      { type: 'expiry_notice', days: { from: 0, to: 7 }, at: '10:00', notBeforeAnchor: true },
      { type: 'service_stopped', day: 8, at: '00:00' },
    ],
  };
}

function errorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('expected a PolicyError');
}

describe('shipped policies', () => {
  it('loads every policy file in policies/, one per product', () => {
    const set = loadPolicies(POLICY_DIR);
    expect(
      set
        .list()
        .map((p) => p.product)
        .sort(),
    ).toEqual(['astro-canvas', 'iot-enterprise', 'koophone', 'tpns', 'traffic-pack']);
  });

  it.each(['astro-canvas', 'iot-enterprise', 'koophone', 'tpns', 'traffic-pack'])(
    '%s names its seed, a version and defaults to Asia/Shanghai',
    (product) => {
      const p = loadPolicies(POLICY_DIR).get(product)!;
      expect(p.source).toMatch(/seeds\/00\d_/);
      expect(p.version).toBeGreaterThanOrEqual(1);
      expect(p.timeZone).toBe('Asia/Shanghai');
    },
  );

  it('returns undefined for an unknown product', () => {
    expect(loadPolicies(POLICY_DIR).get('nope')).toBeUndefined();
  });
});

describe('policy validation', () => {
  it('accepts the minimal policy and defaults timeZone and anchor', () => {
    const doc = parsePolicy(basePolicy());
    expect(doc.timeZone).toBe('Asia/Shanghai');
    expect(doc.rules[0].anchor).toBe('expiry');
  });

  it('names file, rule index, type and field when days.from > days.to', () => {
    const raw = basePolicy();
    raw.rules[2] = { type: 'service_stopped', days: { from: 9, to: 8 }, at: '00:00' };
    expect(errorOf(() => parsePolicy(raw, 'policies/tpns.yaml')).message).toBe(
      'policies/tpns.yaml: rules[2] (service_stopped): days.from must be <= days.to',
    );
  });

  it('rejects an unknown message type naming the rule', () => {
    const raw = basePolicy();
    raw.rules[1].type = 'expiry_notise';
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      "x.yaml: rules[1] (expiry_notise): type 'expiry_notise' is not a known message type",
    );
  });

  it('rejects an unknown time zone', () => {
    expect(errorOf(() => parsePolicy({ ...basePolicy(), timeZone: 'Asia/Beijing' }, 'x.yaml')).message).toBe(
      "x.yaml: timeZone 'Asia/Beijing' is not a known IANA time zone",
    );
  });

  it('rejects a symbolic day when the policy has no customerLevels table', () => {
    const raw = basePolicy();
    raw.rules[2].day = 'grace';
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      "x.yaml: rules[2] (service_stopped): day 'grace' references customerLevels, which this policy does not define",
    );
  });

  it('rejects a malformed day expression', () => {
    const raw = { ...basePolicy(), customerLevels: { V0: { graceDays: 1, retentionDays: 2 } }, defaultLevel: 'V0' };
    raw.rules[2].day = 'grace++1';
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toMatch(
      /rules\[2\] \(service_stopped\): day 'grace\+\+1' is not a day offset/,
    );
  });

  it('checks from <= to for every customer level of a symbolic window', () => {
    const raw = {
      ...basePolicy(),
      customerLevels: { V0: { graceDays: 0, retentionDays: 1 }, V1: { graceDays: 5, retentionDays: 1 } },
      defaultLevel: 'V1',
    };
    raw.rules[1] = { type: 'expiry_notice', days: { from: 1, to: 'grace-1' }, at: '10:00' };
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      'x.yaml: rules[1] (expiry_notice): days.from must be <= days.to (level V0)',
    );
  });

  it('requires defaultLevel to exist in customerLevels', () => {
    const raw = { ...basePolicy(), customerLevels: { V0: { graceDays: 1, retentionDays: 2 } }, defaultLevel: 'V9' };
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe("x.yaml: defaultLevel 'V9' is not in customerLevels");
  });

  it('rejects a time of day outside 00:00-23:59', () => {
    const raw = basePolicy();
    raw.rules[0].at = '25:00';
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      'x.yaml: rules[0] (expiry_reminder): at must be "HH:mm" (00:00-23:59) or "anchor"',
    );
  });

  it('reports a wrongly typed field with its path', () => {
    const raw = basePolicy();
    raw.rules[1].days.every = 'daily';
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      'x.yaml: rules[1] (expiry_notice): days.every: Invalid input: expected number, received string',
    );
  });

  it('rejects unknown keys (typos) instead of ignoring them', () => {
    const raw = basePolicy();
    raw.rules[0].dayz = 3;
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toMatch(/^x\.yaml: rules\[0\] \(expiry_reminder\): .*dayz/);
  });

  it('requires exactly one schedule form on a time rule', () => {
    const raw = basePolicy();
    raw.rules[2] = { type: 'service_stopped', day: 8, hours: 24 };
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      'x.yaml: rules[2] (service_stopped): needs exactly one of day, days, hours',
    );
  });

  it('requires at with day offsets and forbids it with hours', () => {
    const a = basePolicy();
    delete a.rules[2].at;
    expect(errorOf(() => parsePolicy(a, 'x.yaml')).message).toBe('x.yaml: rules[2] (service_stopped): at is required with day/days');
    const b = basePolicy();
    b.rules[2] = { type: 'service_stopped', hours: 24, at: '00:00' };
    expect(errorOf(() => parsePolicy(b, 'x.yaml')).message).toBe('x.yaml: rules[2] (service_stopped): at is not allowed with hours');
  });

  it('rejects a schedule on an event rule and an event rule for a type no event produces', () => {
    const a = basePolicy();
    a.rules.push({ type: 'autorenew_failed', anchor: 'event', day: 1 });
    expect(errorOf(() => parsePolicy(a, 'x.yaml')).message).toBe(
      'x.yaml: rules[3] (autorenew_failed): day is not allowed on an event rule',
    );
    const b = basePolicy();
    b.rules.push({ type: 'expiry_reminder', anchor: 'event' });
    expect(errorOf(() => parsePolicy(b, 'x.yaml')).message).toBe(
      'x.yaml: rules[3] (expiry_reminder): anchor event is not a source of expiry_reminder',
    );
  });

  it('rejects notBeforeAnchor on a window reaching before day 0', () => {
    const raw = basePolicy();
    raw.rules[0].notBeforeAnchor = true;
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      'x.yaml: rules[0] (expiry_reminder): notBeforeAnchor needs every day offset >= 0',
    );
  });

  it('rejects two rules of one type whose occurrences would share dedupe keys', () => {
    const raw = basePolicy();
    raw.rules.push({ type: 'expiry_reminder', days: [-3], at: '18:00' });
    expect(errorOf(() => parsePolicy(raw, 'x.yaml')).message).toBe(
      'x.yaml: rules[3] (expiry_reminder): overlaps rules[0] on occurrence -3',
    );
  });

  it('requires a usage section for the usage_threshold rule and ascending thresholds', () => {
    const a = basePolicy();
    a.rules.push({ type: 'usage_threshold', anchor: 'event' });
    expect(errorOf(() => parsePolicy(a, 'x.yaml')).message).toBe('x.yaml: usage is required by the usage_threshold rule');
    const b = { ...basePolicy(), usage: { thresholds: [90, 80] } };
    expect(errorOf(() => parsePolicy(b, 'x.yaml')).message).toBe('x.yaml: usage.thresholds must be strictly ascending');
  });

  it('rejects two policies for one product', () => {
    const p = loadPolicy(basePolicy());
    expect(errorOf(() => policySet([p, loadPolicy(basePolicy())], ['a.yaml', 'b.yaml'])).message).toBe(
      "b.yaml: product 'demo' is already defined by a.yaml",
    );
  });
});

describe('loadPolicies', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'herald-policies-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file of a bad policy', () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      'product: bad\nname: Bad\nversion: 1\nsource: s\nrules:\n  - type: service_stopped\n    days: { from: 3, to: 2 }\n    at: "00:00"\n',
    );
    expect(errorOf(() => loadPolicies(dir)).message).toBe(
      `${join(dir, 'bad.yaml')}: rules[0] (service_stopped): days.from must be <= days.to`,
    );
  });

  it('names the file of unparsable YAML', () => {
    writeFileSync(join(dir, 'broken.yaml'), 'product: [unclosed\n');
    expect(errorOf(() => loadPolicies(dir)).message).toMatch(new RegExp(`^${join(dir, 'broken.yaml')}: `));
  });

  it('rejects the same product in two files', () => {
    const yaml = 'product: same\nname: S\nversion: 1\nsource: s\nrules:\n  - type: service_stopped\n    day: 0\n    at: anchor\n';
    writeFileSync(join(dir, 'a.yaml'), yaml);
    writeFileSync(join(dir, 'b.yaml'), yaml);
    expect(errorOf(() => loadPolicies(dir)).message).toBe(
      `${join(dir, 'b.yaml')}: product 'same' is already defined by ${join(dir, 'a.yaml')}`,
    );
  });
});

describe('renewUrl', () => {
  const withRenewUrl = (renewUrl: unknown) => ({ ...basePolicy(), renewUrl });
  const problem = (renewUrl: unknown) => errorOf(() => parsePolicy(withRenewUrl(renewUrl), 'policies/demo.yaml')).message;

  it('takes an http(s) renewal page naming {resourceId}, {region} and {accountId}', () => {
    const url = 'https://console.example.com/renew?resourceId={resourceId}&region={region}&account={accountId}#top';
    expect(parsePolicy(withRenewUrl(url)).renewUrl).toBe(url);
    expect(parsePolicy(withRenewUrl('http://{region}.console.example.com/renew')).renewUrl).toBeDefined();
    expect(parsePolicy(basePolicy()).renewUrl).toBeUndefined();
  });

  it('refuses an unknown placeholder at start-up, naming the file, the field and the known ones', () => {
    expect(problem('https://console.example.com/renew?id={id}&r={Region}')).toBe(
      'policies/demo.yaml: renewUrl names unknown placeholders {id}, {Region} (known: {resourceId}, {region}, {accountId})',
    );
    expect(problem('https://console.example.com/renew?id={resourceId')).toBe(
      'policies/demo.yaml: renewUrl has a { or } that is not part of a placeholder',
    );
  });

  it('refuses anything but an absolute http(s) URL, and characters that would break a link in a message', () => {
    for (const bad of [
      'javascript:alert(1)',
      'ftp://files.example.com/renew',
      '/renew?id={resourceId}',
      '//console.example.com/x',
      'https://',
    ]) {
      expect(problem(bad)).toMatch(/^policies\/demo\.yaml: renewUrl must be an absolute http\(s\) URL/);
    }
    for (const bad of ['https://console.example.com/renew now', 'https://console.example.com/(renew)', 'https://console.example.com/"x"']) {
      expect(problem(bad)).toMatch(/^policies\/demo\.yaml: renewUrl must not contain spaces/);
    }
    expect(problem(42)).toMatch(/^policies\/demo\.yaml: renewUrl: /);
  });

  it('fills the placeholders with percent-encoded values, a missing one with nothing', () => {
    const template = 'https://console.example.com/renew?id={resourceId}&region={region}&acc={accountId}';
    expect(expandRenewUrl(template, { resourceId: 'a b/(c)*', region: null, accountId: 'acc-1' })).toBe(
      'https://console.example.com/renew?id=a%20b%2F%28c%29%2A&region=&acc=acc-1',
    );
  });

  it('the TPNS policy links to the renewal page its seed names', () => {
    expect(loadPolicies(POLICY_DIR).get('tpns')!.doc.renewUrl).toBe('https://console.cloud.tencent.com/account/renewal');
  });
});

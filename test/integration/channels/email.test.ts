import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutgoingMessage } from '../../../src/delivery/channels/channel-sender';
import { startDevMailSink } from '../../../src/delivery/channels/email/dev-mail-sink';
import { EmailSender } from '../../../src/delivery/channels/email/email.sender';
import { SmtpThread } from '../../../src/delivery/channels/email/smtp-thread';
import { SmtpSink } from '../../support/fakes/smtp-sink';

let seq = 0;
const mail = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  deliveryId: `dlv-email-${++seq}`,
  to: 'owner@example.test',
  locale: 'zh-CN',
  content: {
    channel: 'email',
    subject: '资源即将到期 push-prod',
    html: '<p>您的资源 <b>push-prod</b> 将于 7 天后到期</p>',
    text: '您的资源 push-prod 将于 7 天后到期',
  },
  ...over,
});

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

describe('EmailSender over pooled SMTP', () => {
  let sink: SmtpSink;
  let sender: EmailSender;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    sender = new EmailSender({ smtpUrl: sink.url, from: 'Herald <herald@example.test>', maxConnections: 2, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await sender.close();
    await sink.stop();
  });

  it('delivers subject, text, HTML, recipient, Content-Language and the delivery id as they parse back from the wire', async () => {
    const message = mail({ locale: 'en-US' });
    const result = await sender.send(message);
    expect(result).toMatchObject({ outcome: 'sent', providerMessageId: `<${message.deliveryId}@example.test>` });
    const received = sink.messages.at(-1)!;
    expect(received).toMatchObject({
      envelope: { from: 'herald@example.test', to: ['owner@example.test'] },
      to: ['owner@example.test'],
      subject: '资源即将到期 push-prod',
      html: '<p>您的资源 <b>push-prod</b> 将于 7 天后到期</p>',
    });
    expect(received.text?.trim()).toBe('您的资源 push-prod 将于 7 天后到期');
    expect(received.headers['content-language']).toBe('en-US');
    expect(received.headers['x-herald-delivery-id']).toBe(message.deliveryId);
    expect(received.headers['message-id']).toBe(`<${message.deliveryId}@example.test>`);
  });

  it('reports a 451 reply as transient and sends the same message on the next attempt', async () => {
    const message = mail();
    sink.failNext(1, 451);
    const first = await sender.send(message);
    expect(first).toMatchObject({ outcome: 'transient', code: 451 });
    const before = sink.messages.length;
    expect(await sender.send(message)).toMatchObject({ outcome: 'sent' });
    expect(sink.messages.length).toBe(before + 1);
    expect(sink.messages.at(-1)!.headers['x-herald-delivery-id']).toBe(message.deliveryId);
  });

  it('reports a 550 reply as permanent', async () => {
    sink.failNext(1, 550);
    const result = await sender.send(mail());
    expect(result).toMatchObject({ outcome: 'permanent', code: 550 });
    expect(JSON.stringify(result)).toContain('550');
  });

  it('reports a 503 reply as transient, the one 5xx worth retrying', async () => {
    sink.failNext(1, 503, 'Bad sequence of commands');
    expect(await sender.send(mail())).toMatchObject({ outcome: 'transient', code: 503 });
  });

  it('reports a refused connection as transient', async () => {
    const nowhere = new EmailSender({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, from: 'herald@example.test', timeoutMs: 2000 });
    try {
      const result = await nowhere.send(mail());
      expect(result).toMatchObject({ outcome: 'transient' });
      expect(['ESOCKET', 'ECONNECTION']).toContain((result as { code: string }).code);
    } finally {
      await nowhere.close();
    }
  });

  it('rides out a relay outage: transient while it is down, sent once it is back on the same port', async () => {
    await sink.stop();
    expect(await sender.send(mail())).toMatchObject({ outcome: 'transient' });
    await sink.restart();
    expect(await sender.send(mail())).toMatchObject({ outcome: 'sent' });
  });
});

describe('SMTP thread', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(async () => {
    await sink.stop();
  });
  const message = (subject: string) => ({ from: 'herald@example.test', to: 'owner@example.test', subject, text: subject });

  it('fails the sends under way when the thread dies, and starts a new one for the next send', async () => {
    // A relay that accepts the connection and never greets: the send stays under way.
    const silent = createServer(() => undefined);
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    const port = (silent.address() as { port: number }).port;
    const smtp = new SmtpThread({ url: `smtp://127.0.0.1:${port}`, pool: true, greetingTimeout: 30_000 });
    try {
      const stuck = smtp.send(message('stuck'));
      await new Promise((r) => setTimeout(r, 200));
      await (smtp as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await expect(stuck).rejects.toMatchObject({ code: 'ETHREAD', message: expect.stringContaining('exited') });
    } finally {
      await smtp.close();
      await new Promise<void>((ok) => silent.close(() => ok()));
    }
    const working = new SmtpThread({ url: sink.url, pool: true });
    try {
      expect(await working.send(message('before'))).toMatch(/^250/);
      await (working as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      expect(await working.send(message('after'))).toMatch(/^250/);
      expect(sink.messages.map((m) => m.subject)).toEqual(expect.arrayContaining(['before', 'after']));
    } finally {
      await working.close();
    }
  });

  it('refuses sends once closed, and closes without ever having started', async () => {
    const unused = new SmtpThread({ url: sink.url, pool: true });
    await unused.close();
    await expect(unused.send(message('late'))).rejects.toMatchObject({ code: 'ETHREAD' });
  });
});

describe('development mail sink', () => {
  it('writes each message it accepts as an .eml file in its directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-mail-'));
    const devSink = await startDevMailSink(dir);
    const sender = new EmailSender({ smtpUrl: devSink.url, from: 'Herald <herald@localhost>' });
    try {
      expect(devSink.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
      expect(await sender.send(mail({ to: 'dev@example.test' }))).toMatchObject({ outcome: 'sent' });
      const files = await readdir(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{8}\.eml$/);
      const eml = await readFile(join(dir, files[0]), 'utf8');
      expect(eml).toMatch(/^To: dev@example\.test$/m);
      expect(eml).toMatch(/^Content-Language: zh-CN$/m);
    } finally {
      await sender.close();
      await devSink.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { Worker } from 'node:worker_threads';
import type { SendMailOptions } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';

/** What the thread reports of a failed send: the fields classifySmtpError reads, as nodemailer set them. */
interface ErrorFields {
  message: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * The thread's code: nodemailer's pooled SMTP transport, fed messages over the port. It is plain CommonJS
 * kept here (not a file of its own) so that it runs the same from the TypeScript sources, the build and the
 * benchmark, each of which puts compiled files elsewhere; nodemailer is loaded from the path the main thread
 * resolved.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const transport = require(workerData.nodemailer).createTransport(workerData.options);
const fields = (err) => ({
  message: err && err.message ? String(err.message) : String(err),
  code: err && err.code, responseCode: err && err.responseCode, response: err && err.response, command: err && err.command,
});
parentPort.on('message', (m) => {
  if (m.close) {
    transport.close();
    parentPort.close();
    return;
  }
  transport.sendMail(m.mail).then(
    (info) => parentPort.postMessage({ id: m.id, response: info.response }),
    (err) => parentPort.postMessage({ id: m.id, error: fields(err) }),
  );
});
`;

/**
 * nodemailer's pooled SMTP transport on a worker thread of its own. Composing a MIME message and streaming it
 * to the relay is most of an email's CPU (about two thirds of the delivery worker's time per email): on its
 * own thread it runs beside the delivery worker's database and template work, not in turn with it.
 *
 * A send resolves with the relay's reply or rejects with the error nodemailer met (its code, reply code,
 * reply and command copied across). If the thread dies, the sends under way fail with `ETHREAD` (the worker
 * retries them as transient) and the next send starts a new one. The thread holds the process open only
 * while sends are under way.
 */
export class SmtpThread {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { ok: (response: string) => void; fail: (err: Error) => void }>();
  private closed = false;

  constructor(private readonly options: SMTPPool.Options) {}

  send(mail: SendMailOptions): Promise<string> {
    if (this.closed) return Promise.reject(threadError('the SMTP thread is closed'));
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise<string>((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      if (this.waiting.size === 1) worker.ref();
      try {
        worker.postMessage({ id, mail });
      } catch (err) {
        // A message that cannot be copied to the thread (not plain data) never reaches it.
        this.waiting.delete(id);
        if (this.waiting.size === 0) worker.unref();
        fail(err as Error);
      }
    });
  }

  /** Closes the pool's connections and ends the thread; sends still under way fail. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((done) => worker.once('exit', () => done()));
    worker.postMessage({ close: true });
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private start(): Worker {
    const worker = new Worker(THREAD, {
      eval: true,
      workerData: { nodemailer: require.resolve('nodemailer'), options: this.options },
    });
    worker.unref();
    worker.on('message', (m: { id: number; response?: string; error?: ErrorFields }) => {
      const waiter = this.waiting.get(m.id);
      if (!waiter) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.error) waiter.fail(Object.assign(new Error(m.error.message), m.error));
      else waiter.ok(m.response ?? '');
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const waiter of this.waiting.values()) waiter.fail(threadError(why));
      this.waiting.clear();
    };
    worker.on('error', (err) => lost(`the SMTP thread failed: ${err.message}`));
    worker.on('exit', (code) => lost(`the SMTP thread exited (${code})`));
    this.worker = worker;
    return worker;
  }
}

const threadError = (message: string): Error => Object.assign(new Error(message), { code: 'ETHREAD' });

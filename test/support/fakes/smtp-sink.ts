import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string | false; to: string[] };
  subject?: string;
  text?: string;
  html: string | false;
  /** Header addresses of To, as parsed back. */
  to: string[];
  /** Lower-case header names, as mailparser reads them. */
  headers: Record<string, unknown>;
}

/**
 * A real SMTP peer for tests: parses every accepted message back with mailparser, answers scripted failures, and
 * can be stopped and restarted on the same port to play an outage.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** Connection errors the server reported (clients that went away mid-session). */
  readonly connectionErrors: string[] = [];
  private failures: { code: number; message: string }[] = [];
  private readonly rejected = new Map<string, number>();
  private server: SMTPServer | null = null;
  private port = 0;

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.restart();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` messages are answered with `code` after DATA (e.g. 451, 550). */
  failNext(
    count: number,
    code: number,
    message = code >= 500 ? 'Requested action not taken: mailbox unavailable' : 'Try again later',
  ): void {
    for (let i = 0; i < count; i++) this.failures.push({ code, message });
  }

  /** Every message to `address` is refused at RCPT TO with `code` (a mailbox that does not exist). */
  rejectRecipient(address: string, code = 550): void {
    this.rejected.set(address.toLowerCase(), code);
  }

  /** Listens again, on the port of the first start. */
  async restart(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 100,
      onRcptTo: (address, _session, callback) => {
        const code = this.rejected.get(address.address.toLowerCase());
        callback(
          code
            ? Object.assign(new Error(`<${address.address}>: Recipient address rejected: User unknown`), { responseCode: code })
            : undefined,
        );
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session.envelope).then(
          (failure) => callback(failure ? Object.assign(new Error(failure.message), { responseCode: failure.code }) : null),
          (err: Error) => callback(err),
        );
      },
    });
    // A client that dies mid-session (a Herald process killed by a fault test) resets its connection; smtp-server
    // reports that as an 'error' event, which would otherwise throw. The sink notes it and carries on, like a real server.
    server.on('error', (err: Error) => this.connectionErrors.push(err.message));
    await new Promise<void>((ok, fail) => {
      server.server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => ok());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }

  private async receive(
    stream: SMTPServerDataStream,
    envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] },
  ): Promise<{ code: number; message: string } | undefined> {
    const parsed = await simpleParser(stream);
    const failure = this.failures.shift();
    if (failure) return failure;
    const to = [parsed.to ?? []].flat().flatMap((group) => group.value.map((a) => a.address ?? ''));
    this.messages.push({
      envelope: { from: envelope.mailFrom && envelope.mailFrom.address, to: envelope.rcptTo.map((r) => r.address) },
      subject: parsed.subject,
      text: parsed.text,
      html: parsed.html,
      to,
      headers: Object.fromEntries(parsed.headers),
    });
    return undefined;
  }
}

import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * The local SMTP peer of the email figure: accepts every message and counts it, reading the data and nothing
 * more (no parsing), so the figure is Herald's sending and not the sink's work. It runs in the orchestrator,
 * outside the measured process.
 */
export class SmtpCounter {
  received = 0;

  private constructor(private readonly server: SMTPServer) {}

  static async start(): Promise<SmtpCounter> {
    let counter: SmtpCounter | null = null;
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 100,
      onData: (stream, _session, callback) => {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          counter!.received++;
          callback();
        });
      },
    });
    counter = new SmtpCounter(server);
    await new Promise<void>((ok, fail) => {
      server.server.once('error', fail);
      server.listen(0, '127.0.0.1', () => ok());
    });
    return counter;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

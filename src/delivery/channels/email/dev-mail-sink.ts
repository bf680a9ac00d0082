import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';
import { SystemWallClock, WallClock } from '../../../common/clock';

export interface DevMailSink {
  /** Give this to the email sender as its SMTP URL. */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * The development stand-in for a relay when SMTP_URL is unset outside production: accepts every message on
 * 127.0.0.1 and keeps it as an .eml file to open in a mail client. Never reachable from other hosts.
 */
export async function startDevMailSink(dir = '.data/mail', clock: WallClock = new SystemWallClock()): Promise<DevMailSink> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      const name = `${clock.now().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      // Written under a temporary name first so a reader never sees half a message.
      const partial = join(target, `${name}.part`);
      pipeline(stream, createWriteStream(partial))
        .then(() => rename(partial, join(target, name)))
        .then(
          () => callback(null, `Saved as ${name}`),
          (err: Error) => callback(err),
        );
    },
  });
  await new Promise<void>((ok, fail) => {
    server.server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir: target,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

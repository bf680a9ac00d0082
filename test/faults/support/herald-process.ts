import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../../scripts/local-db.cjs';

const MAIN = path.join(__dirname, '..', '..', '..', 'dist', 'main.js');

/** Herald as users run it: `node dist/main.js` in a process of its own, which a test can kill. */
export interface HeraldProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote, stdout and stderr. */
  readonly output: () => string;
  /** How often the process has exited since it was started (a crash loop shows here). */
  readonly exits: () => number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startHerald(label: string, env: Record<string, string>, timeoutMs = 60_000): Promise<HeraldProcess> {
  const port = await freePort();
  let out = '';
  let exits = 0;
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.on('exit', () => exits++);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode} while starting:\n${out.slice(-4000)}`);
    const live = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (live) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${label} did not answer /health within ${timeoutMs} ms:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    exits: () => exits,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

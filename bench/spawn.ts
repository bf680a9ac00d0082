import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

/** The orchestrator's handle on a measuring process (child.ts): one command at a time, answered over IPC. */
export class Child {
  private next = 1;
  private readonly waiting = new Map<number, { ok: (v: any) => void; fail: (e: Error) => void }>();
  private readonly exited: Promise<number | null>;

  private constructor(private readonly proc: ChildProcess) {
    proc.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const w = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      if (msg.ok) w?.ok(msg.result);
      else w?.fail(new Error(`in the measuring process: ${msg.error}`));
    });
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        for (const w of this.waiting.values()) w.fail(new Error(`the measuring process exited (${code}) during a command`));
        this.waiting.clear();
        resolve(code);
      }),
    );
  }

  /** `nodeOptions`: e.g. --expose-gc for the planner's heap figures. */
  static start(nodeOptions: string[] = []): Child {
    // BENCH_CPU_PROF_DIR: every measuring process writes a V8 CPU profile there (open it in Chrome's DevTools).
    const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF_DIR)}`] : [];
    return new Child(
      fork(path.join(__dirname, 'child.js'), [], {
        execArgv: [...nodeOptions, ...profile],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }

  call<T>(cmd: string, args: unknown = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      this.proc.send({ id, cmd, args });
    });
  }

  /** Stops Herald in the process (if started), then the process. */
  async close(): Promise<void> {
    if (this.proc.connected) {
      await this.call('stop').catch(() => undefined);
      this.proc.disconnect();
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

import type { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent } from 'mongodb';
import type { Connection } from 'mongoose';

/**
 * Where a timed command's database time goes: the driver's command monitoring, summed per command and
 * collection (count, total and mean milliseconds). For finding what to make faster, not a figure of the table.
 */
export class CommandStats {
  private readonly started = new Map<number, string>();
  private totals = new Map<string, { count: number; ms: number }>();

  /** The connection string with the driver's command monitoring on. */
  monitored(uri: string): string {
    const url = new URL(uri);
    url.searchParams.set('monitorCommands', 'true');
    return url.toString();
  }

  attach(app: INestApplication): void {
    const client = app.get<Connection>(getConnectionToken()).getClient();
    client.on('commandStarted', (e: CommandStartedEvent) => {
      const target = e.command[e.commandName] as unknown;
      this.started.set(e.requestId, `${e.commandName} ${typeof target === 'string' ? target : ''}`.trim());
    });
    const done = (e: CommandSucceededEvent | CommandFailedEvent) => {
      const key = this.started.get(e.requestId) ?? e.commandName;
      this.started.delete(e.requestId);
      const t = this.totals.get(key) ?? { count: 0, ms: 0 };
      t.count++;
      t.ms += e.duration;
      this.totals.set(key, t);
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  }

  reset(): void {
    this.totals = new Map();
  }

  print(label: string, wallMs: number): void {
    const rows = [...this.totals].sort((a, b) => b[1].ms - a[1].ms);
    const lines = rows.map(
      ([k, t]) =>
        `  ${k.padEnd(36)} ${String(t.count).padStart(7)} ${t.ms.toFixed(0).padStart(8)} ms ${(t.ms / t.count).toFixed(2).padStart(8)} ms`,
    );
    process.stderr.write(`[bench] ${label}: ${wallMs.toFixed(0)} ms wall; database commands (count, total, mean):\n${lines.join('\n')}\n`);
  }
}

import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Outcome } from '../events/event.types';

/** Herald's Prometheus registry; one instance per process (each app gets its own, so tests can build several). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly eventsIngested = new Counter({
    name: 'herald_events_ingested_total',
    help: 'Events received on /v1/events by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly retentionRemoved = new Counter({
    name: 'herald_retention_removed_total',
    help: 'Documents removed by the retention sweep, by collection and reason (age, or a destroyed resource past its keep days)',
    labelNames: ['collection', 'reason'] as const,
    registers: [this.registry],
  });

  readonly authRefusals = new Counter({
    name: 'herald_auth_refusals_total',
    help: 'Requests refused at authentication, by reason (unknown_key, revoked_key, development_key, invalid_token, unknown_member, throttled)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_' });
  }

  countEvents(outcome: Outcome, n = 1): void {
    if (n > 0) this.eventsIngested.inc({ outcome }, n);
  }

  countRetention(collection: 'inbox' | 'deliveries' | 'events' | 'notices' | 'resources', reason: 'age' | 'destroyed', n: number): void {
    if (n > 0) this.retentionRemoved.inc({ collection, reason }, n);
  }
}

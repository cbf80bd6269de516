/**
 * Prometheus metrics of one hub process (own registry, so several hubs in one
 * test process do not collide). Served at GET /metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExchangeMetrics } from '../exchange/exchange-deps.js';

export interface HubMetrics extends ExchangeMetrics {
  registry: Registry;
  acceptLatency: Histogram;
  pushOutcome(outcome: string): void;
  /** Sets a gauge callback reading queue depth on scrape. */
  setQueueDepthSource(fn: () => Promise<Record<string, number>>): void;
}

export function createHubMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'edoc_hub_process_' });
  const accepted = new Counter({ name: 'edoc_hub_messages_accepted_total', help: 'Messages accepted', labelNames: ['kind'], registers: [registry] });
  const rejected = new Counter({ name: 'edoc_hub_messages_rejected_total', help: 'Submissions refused, by error code', labelNames: ['code'], registers: [registry] });
  const acks = new Counter({ name: 'edoc_hub_deliveries_acknowledged_total', help: 'Transport acknowledgements by recipients', labelNames: ['result'], registers: [registry] });
  const push = new Counter({ name: 'edoc_hub_push_attempts_total', help: 'Push delivery attempts by outcome (delivered, retry, undeliverable)', labelNames: ['outcome'], registers: [registry] });
  const acceptLatency = new Histogram({
    name: 'edoc_hub_accept_seconds',
    help: 'Time to accept a submission (parse, verify, commit)',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // Group commit (src/exchange/accept-message.ts): few submissions per transaction under load means
  // the commits, not the parsing, are the bottleneck; long transactions point at PostgreSQL.
  const commitSize = new Histogram({
    name: 'edoc_hub_commit_submissions',
    help: 'Submissions committed together in one transaction (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  const commitTime = new Histogram({
    name: 'edoc_hub_commit_seconds',
    help: 'Duration of one group-commit transaction, locks to COMMIT',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const inboxBodies = new Counter({
    name: 'edoc_hub_inbox_bodies_total',
    help: 'Document bytes sent in inbox pages, by where they were read: memory (accepted in the last minutes by this process) or database',
    labelNames: ['source'],
    registers: [registry],
  });
  let depthSource: (() => Promise<Record<string, number>>) | null = null;
  new Gauge({
    name: 'edoc_hub_queue_jobs',
    help: 'Push-delivery jobs by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!depthSource) return;
      try {
        const counts = await depthSource();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      } catch {
        // Redis down: leave the last values; /health/ready reports the outage.
      }
    },
  });
  return {
    registry,
    acceptLatency,
    accepted: (kind) => accepted.inc({ kind }),
    rejected: (code) => rejected.inc({ code }),
    acknowledged: (result) => acks.inc({ result }),
    pushOutcome: (outcome) => push.inc({ outcome }),
    committed(submissions, seconds) {
      commitSize.observe(submissions);
      commitTime.observe(seconds);
    },
    inboxBodies(fromMemory, fromDatabase) {
      if (fromMemory > 0) inboxBodies.inc({ source: 'memory' }, fromMemory);
      if (fromDatabase > 0) inboxBodies.inc({ source: 'database' }, fromDatabase);
    },
    setQueueDepthSource(fn) {
      depthSource = fn;
    },
  };
}

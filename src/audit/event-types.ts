/** Every kind of event in the exchange log. Names never change once shipped. */
export const AUDIT_EVENT_TYPES = [
  'message.accepted',
  'message.rejected',
  // No longer written (message.accepted lists the deliveries it made); kept: older logs have it.
  'delivery.queued',
  'delivery.pushed',
  'delivery.retried',
  'delivery.failed',
  'delivery.fetched',
  'delivery.acknowledged',
  'delivery.undeliverable',
  // A push delivery moved to the recipient's inbox: its directory entry changed from push to pull.
  'delivery.rerouted',
  // A recipient's page fetch or batch acknowledgement: one entry per sender listing its deliveries.
  'deliveries.fetched',
  'deliveries.acknowledged',
  'deliveries.failed',
  'status.routed',
  'message.linked',
  'directory.changed',
  'certificate.changed',
  'trust.loaded',
  'policy.changed',
  'audit.queried',
  'audit.exported',
  'audit.checkpoint',
  'document.purged',
  'user.changed',
] as const;

/** One of {@link AUDIT_EVENT_TYPES}. */
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** True when `s` names a known event type. */
export function isAuditEventType(s: string): s is AuditEventType {
  return (AUDIT_EVENT_TYPES as readonly string[]).includes(s);
}

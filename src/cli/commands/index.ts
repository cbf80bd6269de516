/**
 * The command table. Each entry loads its module only when used, so
 * `edoc-hub inspect` does not pay for starting database or queue code.
 */
import type { CliCommand } from '../command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'start', summary: 'Start the hub (HTTPS API and workers)', load: async () => (await import('./start.js')).default },
  { name: 'send', summary: 'Submit an edXML file to the hub as an agency', load: async () => (await import('./agency-calls.js')).send },
  { name: 'inbox', summary: 'List deliveries waiting for an agency', load: async () => (await import('./agency-calls.js')).inbox },
  { name: 'fetch', summary: 'Download the exact bytes of a message', load: async () => (await import('./agency-calls.js')).fetch },
  { name: 'ack', summary: 'Acknowledge a delivery (done or fail)', load: async () => (await import('./agency-calls.js')).ack },
  { name: 'track', summary: 'Show per-recipient tracking of a message', load: async () => (await import('./agency-calls.js')).track },
  { name: 'agencies list', summary: 'List the agency directory', load: async () => (await import('./agencies.js')).list },
  { name: 'agencies set', summary: 'Add an agency or change its delivery, policy or pinned certificates', load: async () => (await import('./agencies.js')).set },
  { name: 'agencies import', summary: 'Load a directory file (JSON or YAML) into the hub', load: async () => (await import('./agencies.js')).importCommand },
  { name: 'retention purge', summary: 'Delete document bytes older than the retention period (the log stays)', load: async () => (await import('./retention.js')).default },
  { name: 'inspect', summary: 'Read an edXML file and show what it contains or why it is refused', load: async () => (await import('./inspect.js')).default },
  { name: 'audit verify', summary: 'Verify the exchange log (database or export file) and its signed checkpoints', load: async () => (await import('./audit-verify.js')).default },
  { name: 'audit export', summary: 'Export the exchange log with its signed checkpoints (NDJSON or CSV)', load: async () => (await import('./audit-export.js')).default },
  { name: 'certs init', summary: 'Create the development PKI (CA, hub, agency and auditor certificates, CRL)', load: async () => (await import('./certs-init.js')).default },
  { name: 'certs list', summary: 'List the dev PKI certificates (subject, OrganIds, serial, expiry, revoked?)', load: async () => (await import('./certs-list.js')).default },
  { name: 'certs add', summary: 'Issue an additional certificate for an agency (rotation)', load: async () => (await import('./certs-add.js')).default },
  { name: 'certs revoke', summary: 'Revoke a certificate (adds it to the dev CA CRL)', load: async () => (await import('./certs-revoke.js')).default },
  { name: 'sign', summary: "Sign (or re-sign) an edXML file with an agency's dev key", load: async () => (await import('./sign.js')).default },
  { name: 'verify', summary: 'Verify the XML signature of an edXML file (prints the verdict as JSON)', load: async () => (await import('./verify.js')).default },
  { name: 'receipt verify', summary: 'Verify a signed receipt offline (exit 0 only when valid)', load: async () => (await import('./receipt-verify.js')).default },
  { name: 'users add', summary: 'Create a web-console user (password read from standard input)', load: async () => (await import('./users-add.js')).default },
  { name: 'axis add', summary: 'Let an agency system use the national-axis compatible API (prints its secret)', load: async () => (await import('./axis-systems.js')).add },
  { name: 'axis list', summary: 'List systems of the national-axis compatible API', load: async () => (await import('./axis-systems.js')).list },
  { name: 'axis disable', summary: 'Stop a system of the national-axis compatible API', load: async () => (await import('./axis-systems.js')).disable },
  { name: 'users list', summary: 'List web-console users (role, agency, lock-out state)', load: async () => (await import('./users-list.js')).default },
];

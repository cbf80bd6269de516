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
  { name: 'inspect', summary: 'Read an edXML file and show what it contains or why it is refused', load: async () => (await import('./inspect.js')).default },
  { name: 'audit verify', summary: 'Verify the exchange log (database or export file) and its signed checkpoints', load: async () => (await import('./audit-verify.js')).default },
  { name: 'audit export', summary: 'Export the exchange log with its signed checkpoints (NDJSON or CSV)', load: async () => (await import('./audit-export.js')).default },
];

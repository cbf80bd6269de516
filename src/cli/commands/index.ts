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
  { name: 'inspect', summary: 'Read an edXML file and show what it contains or why it is refused', load: async () => (await import('./inspect.js')).default },
];

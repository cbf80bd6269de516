/** `edoc-hub start`: makes dev certificates if missing, opens the database and runs the hub. */
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { loadConfig, type HubConfig } from '../../config/config.js';
import { loadDirectoryFile } from '../../directory/load-directory-file.js';
import { initDevPki } from '../../pki/dev-pki.js';
import { createHub } from '../../hub/create-hub.js';
import { ensureDemoUsers, formatDemoUsers } from '../../console/ensure-demo-users.js';

const help = `Usage: edoc-hub start [--role all|api|worker] [--host HOST] [--port PORT]

Starts the hub. With no DATABASE_URL the data lives in an embedded PostgreSQL
(PGlite) under ./var; Redis must be running (REDIS_URL, default
redis://127.0.0.1:6379). Development certificates are created in ./certs-dev
when missing (the same as \`edoc-hub certs init\`).

Options:
  --role ROLE   all (default): API and workers in one process;
                api: HTTPS API only; worker: push delivery, reconciler, audit sealer.
                Separate roles need a shared PostgreSQL (DATABASE_URL).
  --host HOST   listen address (EDOC_HOST, default 127.0.0.1)
  --port PORT   HTTPS port (EDOC_PORT, default 8443)

Environment: DATABASE_URL, REDIS_URL, EDOC_CERTS_DIR, EDOC_DIRECTORY_FILE,
EDOC_MAX_MESSAGE_BYTES, EDOC_PUSH_ATTEMPTS, EDOC_PUSH_BACKOFF_MS, LOG_LEVEL … (see README).
`;

const command: CliCommand = {
  name: 'start',
  summary: 'Start the hub (HTTPS API and workers)',
  help,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { role: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } },
      allowPositionals: false,
    });
    const env = { ...io.env };
    if (values.role) env.EDOC_ROLE = values.role;
    if (values.host) env.EDOC_HOST = values.host;
    if (values.port) env.EDOC_PORT = values.port;
    const config: HubConfig = loadConfig(env);
    if (config.role !== 'all' && !config.databaseUrl) {
      io.stderr.write('edoc-hub start: --role api/worker needs a shared PostgreSQL; set DATABASE_URL\n');
      return 2;
    }
    const directory = await loadDirectoryFile(config.directoryFile ?? undefined);
    const { written } = initDevPki({ certsDir: config.certsDir, agencies: directory.agencies.map((a) => ({ organId: a.organId, name: a.name })) });
    if (written.length > 0) io.stderr.write(`edoc-hub: development certificates written to ${config.certsDir} (${written.length} files)\n`);
    const hub = await createHub(config, { directory });
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      hub.services.log.info({ signal }, 'shutting down: finishing in-flight requests and jobs');
      hub.close().then(
        () => process.exit(0),
        (e: unknown) => {
          hub.services.log.error({ err: e }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    const url = await hub.start();
    if (url) io.stderr.write(`edoc-hub ${config.role}: ${url}  (API docs: ${url}/docs, health: ${url}/health/ready)\n`);
    // Web console (src/console): demo accounts on first start, passwords printed once.
    if (url) io.stderr.write(formatDemoUsers(await ensureDemoUsers(hub.services.db, hub.services.log), `${url}/console`));
    else io.stderr.write(`edoc-hub ${config.role}: workers running\n`);
    await new Promise<void>(() => undefined);
    return 0;
  },
};

export default command;

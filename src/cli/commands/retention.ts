/** `edoc-hub retention purge`: applies the document-retention setting now. */
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { openStore } from '../open-store.js';
import { purgeExpiredDocuments } from '../../exchange/purge-expired.js';
import { HubError } from '../../shared/hub-error.js';

const command: CliCommand = {
  name: 'retention purge',
  summary: 'Delete document bytes older than the retention period (the log stays)',
  help: `Usage: edoc-hub retention purge [--days N]

Deletes the stored bytes of messages accepted more than N days ago
(default: EDOC_RETENTION_DAYS). Message metadata, deliveries, receipts and the
exchange log are kept and still verify; each purge is logged as
"document.purged". A running worker also purges once an hour when
EDOC_RETENTION_DAYS is set. Without a setting nothing is purged (keep forever).`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { days: { type: 'string' } } });
    const { config, db } = await openStore(io.env);
    try {
      const days = values.days !== undefined ? Number(values.days) : config.retentionDays;
      if (days === null) {
        io.stderr.write('no retention set (EDOC_RETENTION_DAYS or --days): nothing purged\n');
        return 0;
      }
      if (!Number.isInteger(days) || days < 1) throw new HubError('cli.usage', '--days takes a whole number of days >= 1');
      const n = await purgeExpiredDocuments(db, days);
      io.stdout.write(`${n} documents purged (older than ${days} days)\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};

export default command;

/** Opens the hub's database for a CLI command (DATABASE_URL, or the embedded one under ./var). */
import { loadConfig, type HubConfig } from '../config/config.js';
import { openDb } from '../store/open-db.js';
import type { Db } from '../store/db.js';

export async function openStore(env: Record<string, string | undefined>): Promise<{ config: HubConfig; db: Db }> {
  const config = loadConfig(env);
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return { config, db };
}

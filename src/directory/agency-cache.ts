/**
 * Directory entries as the accept path reads them: several per submission, so
 * they are kept for a few seconds instead of read from the database each time.
 * A change made through another process (CLI, another hub) is seen within the
 * TTL; this process's own changes call `invalidate()`. Unknown OrganIds are
 * not remembered: an agency added a moment ago is found at once.
 */
import type { Agency } from './agency.js';
import type { Queryable } from '../store/db.js';
import { getAgencies } from '../store/agency-repo.js';

export interface AgencyLookup {
  /** The known agencies among `ids` (active or not). */
  get(ids: readonly string[]): Promise<Map<string, Agency>>;
  invalidate(): void;
}

export function createAgencyCache(db: Queryable, ttlMs = 5_000): AgencyLookup {
  let entries = new Map<string, { agency: Agency; until: number }>();
  return {
    async get(ids) {
      const now = Date.now();
      const found = new Map<string, Agency>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const e = entries.get(id);
        if (e && e.until > now) found.set(id, e.agency);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const cache = entries;
        for (const [id, agency] of await getAgencies(db, missing)) {
          found.set(id, agency);
          // Not into a cache emptied meanwhile by invalidate(): that read may predate the change.
          if (cache === entries) entries.set(id, { agency, until: now + ttlMs });
        }
      }
      return found;
    },
    invalidate() {
      entries = new Map();
    },
  };
}

/** Issued receipts: stored once so every download is the same signed file. */
import { byteaBuffer, type Queryable } from './db.js';

export async function getReceipt(q: Queryable, subjectId: string): Promise<Buffer | null> {
  const r = await q.query<{ bytes: Uint8Array }>('SELECT bytes FROM receipts WHERE subject_id = $1', [subjectId]);
  return byteaBuffer(r.rows[0]?.bytes);
}

/** Stores a receipt unless one exists; returns the stored one (first writer wins). */
export async function putReceipt(q: Queryable, subjectId: string, kind: 'submission' | 'delivery', bytes: Buffer): Promise<Buffer> {
  await q.query('INSERT INTO receipts (subject_id, kind, bytes) VALUES ($1, $2, $3) ON CONFLICT (subject_id) DO NOTHING', [subjectId, kind, bytes]);
  return (await getReceipt(q, subjectId)) ?? bytes;
}

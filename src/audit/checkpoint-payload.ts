/** The exact bytes a checkpoint signature covers. */
import { canonicalJson } from './canonical-json.js';

/** UTF-8 of the canonical JSON `{"at":…,"hash":…,"seq":…}`. */
export function checkpointPayload(cp: { seq: string; hash: string; at: string }): Buffer {
  return Buffer.from(canonicalJson({ at: cp.at, hash: cp.hash, seq: cp.seq }), 'utf8');
}

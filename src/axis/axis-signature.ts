/**
 * Request signatures of the national-axis compatible API: the caller signs
 * selected headers with its system's shared secret (HMAC-SHA256).
 *
 * The signed text is these values, each on its own line, in this order:
 *
 *   METHOD            e.g. POST
 *   path?query        as sent, e.g. /axis/getEdoc?docId=…
 *   systemid          header
 *   from              header: the agency the system acts for
 *   servicetype       header (empty when absent)
 *   messagetype       header (empty when absent)
 *   timestamp         header: milliseconds since 1970 (UTC)
 *   sha256            header: hex SHA-256 of the body (of no bytes when there is none)
 *
 * and `signature` is its HMAC-SHA256 in base64. A request whose timestamp is
 * more than five minutes from the hub's clock is refused, so a captured
 * request cannot be replayed later (and within that window every call is
 * idempotent). docs/axis.md shows a client's side.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from the hub's clock. */
export const AXIS_CLOCK_SKEW_MS = 5 * 60_000;

export interface SignedParts {
  method: string;
  path: string;
  systemId: string;
  from: string;
  serviceType: string;
  messageType: string;
  timestamp: string;
  sha256: string;
}

export function signedText(p: SignedParts): string {
  return [p.method.toUpperCase(), p.path, p.systemId, p.from, p.serviceType, p.messageType, p.timestamp, p.sha256.toLowerCase()].join('\n');
}

/** The `signature` header a client sends. */
export function signAxisRequest(secret: string, p: SignedParts): string {
  return createHmac('sha256', secret).update(signedText(p), 'utf8').digest('base64');
}

/** Why a signature is refused, or null when it is good. */
export function axisSignatureProblem(secret: string, p: SignedParts, signature: string, now = Date.now()): string | null {
  if (!/^\d{1,16}$/.test(p.timestamp)) return 'the timestamp header must be milliseconds since 1970';
  if (Math.abs(Number(p.timestamp) - now) > AXIS_CLOCK_SKEW_MS) return 'the timestamp is more than 5 minutes from the hub clock';
  const expected = Buffer.from(signAxisRequest(secret, p), 'base64');
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the signature does not match (HMAC-SHA256 of the signed headers with the system secret)';
  return null;
}

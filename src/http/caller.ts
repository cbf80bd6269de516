/**
 * Who is calling, as established by the mutual-TLS client certificate
 * (agency systems, auditor systems) or a console session (people).
 * Route handlers read it from `request.caller`; they never look at certificates.
 */
import type {} from 'fastify';

export type Caller =
  | { kind: 'agency'; organId: string; certFingerprint?: string }
  | { kind: 'auditor'; name: string; certFingerprint?: string }
  | { kind: 'operator'; name: string }
  | { kind: 'clerk'; name: string; organId: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; routes that need a caller refuse when absent. */
    caller: Caller | null;
  }
}

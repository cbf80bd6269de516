/**
 * Sign-in, sessions and CSRF tokens of console users. The session id is 32
 * random bytes given to the browser only; the database keeps its SHA-256, so
 * a leaked table does not open sessions. Each session has its own CSRF token
 * that every state-changing form must send back.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Caller } from '../http/caller.js';
import { HubError } from '../shared/hub-error.js';
import {
  deleteConsoleSession,
  deleteExpiredConsoleSessions,
  findConsoleSession,
  findConsoleUserForUpdate,
  insertConsoleSession,
  setSignInFailures,
  touchConsoleSession,
  type ConsoleRole,
} from '../store/user-repo.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import type { ConsoleOptions } from './console-options.js';

/** A signed-in person as the console pages see them. */
export interface ConsoleSession {
  username: string;
  role: ConsoleRole;
  organId: string | null;
  csrfToken: string;
  /** The caller the exchange and audit functions are called as. */
  caller: Caller;
}

export interface SessionManager {
  /** Checks the password; answers the new session id (for the cookie) and its session, or throws `console.bad_credentials` / `console.locked`. */
  signIn(username: string, password: string): Promise<{ sessionId: string; session: ConsoleSession }>;
  /** The live session of a cookie value (sliding its idle expiry), or null. */
  resolve(sessionId: string | undefined): Promise<ConsoleSession | null>;
  signOut(sessionId: string | undefined): Promise<void>;
}

const hashId = (id: string): string => createHash('sha256').update(id).digest('hex');

/** Constant-time string comparison for tokens. */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function lockedError(until: Date, what: string): HubError {
  return new HubError('console.locked', `${what} until ${until.toISOString()}`, { status: 423, details: { lockedUntil: until.toISOString() } });
}

function callerOf(role: ConsoleRole, username: string, organId: string | null): Caller {
  if (role === 'clerk') return { kind: 'clerk', name: username, organId: organId ?? '' };
  return role === 'auditor' ? { kind: 'auditor', name: username } : { kind: 'operator', name: username };
}

export function createSessionManager(db: Db, opts: ConsoleOptions, now: () => Date = () => new Date()): SessionManager {
  // Unknown usernames still cost one scrypt, so timing does not tell which names exist.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'));

  return {
    async signIn(username, password) {
      const name = username.trim().toLowerCase();
      // The transaction commits the failure count, so refusals are answered after it, not thrown inside it.
      const outcome = await db.tx(async (q): Promise<{ refused: HubError } | { sessionId: string; session: ConsoleSession }> => {
        const user = await findConsoleUserForUpdate(q, name);
        if (!user) {
          await verifyPassword(password, await dummyHash);
          return { refused: new HubError('console.bad_credentials', 'wrong username or password', { status: 401 }) };
        }
        const at = now();
        if (user.locked_until && user.locked_until > at) return { refused: lockedError(user.locked_until, 'the account is locked') };
        if (!(await verifyPassword(password, user.password_hash))) {
          // A lock that has run out starts a fresh count.
          const failures = (user.locked_until ? 0 : user.failed_attempts) + 1;
          const lockedUntil = failures >= opts.maxFailedSignIns ? new Date(at.getTime() + opts.lockMs) : null;
          await setSignInFailures(q, user.id, failures, lockedUntil);
          if (lockedUntil) return { refused: lockedError(lockedUntil, 'too many wrong passwords: the account is locked') };
          return { refused: new HubError('console.bad_credentials', 'wrong username or password', { status: 401 }) };
        }
        if (user.failed_attempts > 0 || user.locked_until) await setSignInFailures(q, user.id, 0, null);
        // Sign-ins are rare enough to carry the housekeeping of expired sessions.
        await deleteExpiredConsoleSessions(q);
        const sessionId = randomBytes(32).toString('base64url');
        const csrfToken = randomBytes(32).toString('base64url');
        await insertConsoleSession(q, { idHash: hashId(sessionId), userId: user.id, csrfToken, expiresAt: new Date(at.getTime() + opts.idleMs) });
        return {
          sessionId,
          session: { username: user.username, role: user.role, organId: user.organ_id, csrfToken, caller: callerOf(user.role, user.username, user.organ_id) },
        };
      });
      if ('refused' in outcome) throw outcome.refused;
      return outcome;
    },

    async resolve(sessionId) {
      if (!sessionId || sessionId.length > 100) return null;
      const idHash = hashId(sessionId);
      const row = await findConsoleSession(db, idHash);
      if (!row) return null;
      await touchConsoleSession(db, idHash, new Date(now().getTime() + opts.idleMs));
      return { username: row.username, role: row.role, organId: row.organ_id, csrfToken: row.csrf_token, caller: callerOf(row.role, row.username, row.organ_id) };
    },

    async signOut(sessionId) {
      if (sessionId) await deleteConsoleSession(db, hashId(sessionId));
    },
  };
}

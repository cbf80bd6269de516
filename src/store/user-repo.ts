/** Console users (people, not agency systems) and their sessions. */
import type { Queryable } from './db.js';

export type ConsoleRole = 'clerk' | 'auditor' | 'operator';

export interface ConsoleUserRow {
  id: string;
  username: string;
  role: ConsoleRole;
  organ_id: string | null;
  password_hash: string;
  failed_attempts: number;
  locked_until: Date | null;
  created_at: Date;
}

export interface NewConsoleUser {
  username: string;
  role: ConsoleRole;
  organId: string | null;
  passwordHash: string;
}

const USER_COLUMNS = 'id::text AS id, username, role, organ_id, password_hash, failed_attempts, locked_until, created_at';

export async function insertConsoleUser(q: Queryable, u: NewConsoleUser): Promise<ConsoleUserRow> {
  const r = await q.query<ConsoleUserRow>(
    `INSERT INTO console_users (username, role, organ_id, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
    [u.username, u.role, u.organId, u.passwordHash],
  );
  return r.rows[0]!;
}

/** Replaces the password of an existing user and clears its lock-out. */
export async function setConsolePassword(q: Queryable, username: string, passwordHash: string): Promise<boolean> {
  const r = await q.query('UPDATE console_users SET password_hash = $2, failed_attempts = 0, locked_until = NULL WHERE username = $1', [username, passwordHash]);
  return r.rowCount > 0;
}

export async function findConsoleUser(q: Queryable, username: string): Promise<ConsoleUserRow | null> {
  const r = await q.query<ConsoleUserRow>(`SELECT ${USER_COLUMNS} FROM console_users WHERE username = $1`, [username]);
  return r.rows[0] ?? null;
}

/** Same, locking the row for the rest of the transaction (sign-in counts failures under it). */
export async function findConsoleUserForUpdate(q: Queryable, username: string): Promise<ConsoleUserRow | null> {
  const r = await q.query<ConsoleUserRow>(`SELECT ${USER_COLUMNS} FROM console_users WHERE username = $1 FOR UPDATE`, [username]);
  return r.rows[0] ?? null;
}

export async function listConsoleUsers(q: Queryable): Promise<ConsoleUserRow[]> {
  const r = await q.query<ConsoleUserRow>(`SELECT ${USER_COLUMNS} FROM console_users ORDER BY username`);
  return r.rows;
}

export async function countConsoleUsers(q: Queryable): Promise<number> {
  const r = await q.query<{ n: string }>('SELECT count(*)::text AS n FROM console_users');
  return Number(r.rows[0]?.n ?? 0);
}

/** Stores the failure counter and lock of a user after a sign-in attempt. */
export async function setSignInFailures(q: Queryable, userId: string, failedAttempts: number, lockedUntil: Date | null): Promise<void> {
  await q.query('UPDATE console_users SET failed_attempts = $2, locked_until = $3 WHERE id = $1', [userId, failedAttempts, lockedUntil]);
}

export interface ConsoleSessionRow {
  id_hash: string;
  csrf_token: string;
  expires_at: Date;
  user_id: string;
  username: string;
  role: ConsoleRole;
  organ_id: string | null;
}

export async function insertConsoleSession(q: Queryable, s: { idHash: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
  await q.query('INSERT INTO console_sessions (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [s.idHash, s.userId, s.csrfToken, s.expiresAt]);
}

/** A live (not expired) session with its user; null otherwise. */
export async function findConsoleSession(q: Queryable, idHash: string): Promise<ConsoleSessionRow | null> {
  const r = await q.query<ConsoleSessionRow>(
    `SELECT s.id_hash, s.csrf_token, s.expires_at, u.id::text AS user_id, u.username, u.role, u.organ_id
       FROM console_sessions s JOIN console_users u ON u.id = s.user_id
      WHERE s.id_hash = $1 AND s.expires_at > now()`,
    [idHash],
  );
  return r.rows[0] ?? null;
}

/** Slides the expiry of a session (idle timeout). */
export async function touchConsoleSession(q: Queryable, idHash: string, expiresAt: Date): Promise<void> {
  await q.query('UPDATE console_sessions SET last_seen = now(), expires_at = $2 WHERE id_hash = $1', [idHash, expiresAt]);
}

export async function deleteConsoleSession(q: Queryable, idHash: string): Promise<void> {
  await q.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredConsoleSessions(q: Queryable): Promise<number> {
  const r = await q.query('DELETE FROM console_sessions WHERE expires_at <= now()');
  return r.rowCount;
}

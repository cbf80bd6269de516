/** Console accounts for tests, created straight in the test hub's database. */
import type { Db } from '../../../src/store/db.js';
import { insertConsoleUser, type ConsoleRole } from '../../../src/store/user-repo.js';
import { hashPassword } from '../../../src/console/password-hash.js';

export const PASSWORD = 'mật-khẩu-thử-nghiệm-01';

export async function addUser(db: Db, username: string, role: ConsoleRole, organId: string | null = null, password = PASSWORD): Promise<void> {
  await insertConsoleUser(db, { username, role, organId, passwordHash: await hashPassword(password) });
}

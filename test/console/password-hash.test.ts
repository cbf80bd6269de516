import t from 'tap';
import { hashPassword, verifyPassword } from '../../src/console/password-hash.js';

t.test('scrypt hashes carry parameters and salt, and verify', async (t) => {
  const a = await hashPassword('mật khẩu dài 123');
  const b = await hashPassword('mật khẩu dài 123');
  t.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  t.not(a, b, 'a fresh salt each time');
  t.equal(await verifyPassword('mật khẩu dài 123', a), true);
  t.equal(await verifyPassword('mật khẩu dài 124', a), false);
  // NFC and NFD spellings of the same Vietnamese text are one password.
  t.equal(await verifyPassword('mật khẩu dài 123'.normalize('NFD'), a), true);
  await t.rejects(verifyPassword('x', 'md5$abc'), { code: 'console.bad_password_hash' });
});

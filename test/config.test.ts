import t from 'tap';
import { loadConfig } from '../src/config/config.js';

t.test('defaults work with an empty environment', async (t) => {
  const c = loadConfig({});
  t.equal(c.port, 8443);
  t.equal(c.databaseUrl, null);
  t.equal(c.redisUrl, 'redis://127.0.0.1:6379');
  t.equal(c.maxMessageBytes, 50 * 1024 * 1024);
  t.ok(Object.isFrozen(c.delivery));
});

t.test('bad numbers are refused with the variable named', async (t) => {
  t.throws(() => loadConfig({ EDOC_PORT: 'abc' }), { code: 'config.invalid', message: /EDOC_PORT/ });
});

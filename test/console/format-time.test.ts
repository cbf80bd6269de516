import t from 'tap';
import { formatVnTime, parseVnDate, parseVnDateTime } from '../../src/console/format-time.js';

t.test('Vietnamese date format in Asia/Ho_Chi_Minh', async (t) => {
  t.equal(formatVnTime('2026-11-23T17:05:00Z'), '24/11/2026 00:05', 'UTC+7 crosses midnight');
  t.equal(formatVnTime(new Date('2026-01-02T03:04:00Z')), '02/01/2026 10:04');
  t.equal(formatVnTime(null), '');
  t.equal(formatVnTime('not a date'), 'not a date', 'unreadable text is shown as is');
});

t.test('form dates are read as Vietnam local time', async (t) => {
  t.equal(parseVnDate('2026-11-23')?.toISOString(), '2026-11-22T17:00:00.000Z');
  t.equal(parseVnDate('2026-11-23', true)?.toISOString(), '2026-11-23T17:00:00.000Z', 'end of day is the next local midnight');
  t.equal(parseVnDate('23/11/2026'), undefined);
  t.equal(parseVnDateTime('2026-11-23T08:30')?.toISOString(), '2026-11-23T01:30:00.000Z');
  t.equal(parseVnDateTime(''), undefined);
});

import t from 'tap';
import { parseTimestamp } from '../../src/edxml/parse-timestamp.js';
import { formatEdxmlTimestamp } from '../../src/edxml/format-timestamp.js';

t.test('corpus formats and other producers\' ones; no zone means Vietnam time (UTC+7)', async (t) => {
  const cases: [string, string | null][] = [
    ['2018/09/28 17:25:11', '2018-09-28T10:25:11.000Z'],
    ['2018/09/28 00:00:00', '2018-09-27T17:00:00.000Z'],
    ['2018-09-28 17:25:11', '2018-09-28T10:25:11.000Z'],
    ['2018-09-28T17:25:11', '2018-09-28T10:25:11.000Z'],
    ['2018-09-28T17:25:11.5', '2018-09-28T10:25:11.500Z'],
    ['2018-05-15T07:19:17Z', '2018-05-15T07:19:17.000Z'],
    ['2018-05-15T07:19:17+07:00', '2018-05-15T00:19:17.000Z'],
    ['2018-05-15T07:19:17-0130', '2018-05-15T08:49:17.000Z'],
    ['30/10/2020 08:15:00', '2020-10-30T01:15:00.000Z'],
    ['30/10/2020', '2020-10-29T17:00:00.000Z'],
    ['30-10-2020 08:15:00', '2020-10-30T01:15:00.000Z'],
    ['30-10/2020 08:15:00', null],
    ['2018-05-15T07:19:17+07', '2018-05-15T00:19:17.000Z'],
    ['2018-05-15T07:19:17.25-03', '2018-05-15T10:19:17.250Z'],
    ['2018/09/28', '2018-09-27T17:00:00.000Z'],
    ['  2018/09/28 17:25:11 ', '2018-09-28T10:25:11.000Z'],
    ['2014/02/30 00:00:00', null],
    ['0018/09/28 17:25:11', null],
    ['28/09/0018 17:25:11', null],
    ['2018/13/01 00:00:00', null],
    ['2018/09/28 24:00:00', null],
    ['hôm qua', null],
    ['', null],
  ];
  for (const [input, expected] of cases) t.equal(parseTimestamp(input), expected, JSON.stringify(input));
});

t.test('formatEdxmlTimestamp writes what parseTimestamp reads', async (t) => {
  const d = new Date(Date.UTC(2025, 9, 23, 9, 28, 42));
  t.equal(formatEdxmlTimestamp(d), '2025/10/23 16:28:42');
  t.equal(parseTimestamp(formatEdxmlTimestamp(d)), d.toISOString());
});

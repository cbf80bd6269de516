import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { addWorkingHours, deadlineView, dueDateEnd, endOfWorkingDay, receiptDeadline } from '../../src/exchange/deadlines.js';

const cfg = loadConfig({}).deadlines;
// Times in Asia/Ho_Chi_Minh (UTC+7). 2026-11-23 is a Monday.
const vn = (s: string): Date => new Date(`${s}+07:00`);

t.test('normal priority: receipt the same working day', async (t) => {
  t.equal(receiptDeadline(vn('2026-11-23T09:00:00'), 0, cfg).toISOString(), vn('2026-11-23T17:00:00').toISOString());
  // After hours on Friday counts for Monday.
  t.equal(receiptDeadline(vn('2026-11-27T18:30:00'), 0, cfg).toISOString(), vn('2026-11-30T17:00:00').toISOString());
  // Saturday counts for Monday.
  t.equal(endOfWorkingDay(vn('2026-11-28T10:00:00'), 0, cfg).toISOString(), vn('2026-11-30T17:00:00').toISOString());
});

t.test('urgent priorities count working hours', async (t) => {
  t.equal(addWorkingHours(vn('2026-11-23T15:00:00'), 4, cfg).toISOString(), vn('2026-11-24T09:30:00').toISOString());
  t.equal(receiptDeadline(vn('2026-11-23T08:00:00'), 3, cfg).toISOString(), vn('2026-11-23T09:00:00').toISOString());
  // Before opening: the clock starts at 07:30.
  t.equal(receiptDeadline(vn('2026-11-23T06:00:00'), 2, cfg).toISOString(), vn('2026-11-23T09:30:00').toISOString());
});

t.test('overdue flags follow reported statuses', async (t) => {
  const arrival = vn('2026-11-23T09:00:00');
  const late = deadlineView(arrival, 0, null, [], vn('2026-11-23T18:00:00'), cfg);
  t.ok(late.receiptOverdue);
  t.notOk(late.handlingOverdue);
  t.ok(late.overdue);
  const onTime = deadlineView(arrival, 0, null, [{ code: '03', at: vn('2026-11-23T10:00:00') }], vn('2026-11-23T18:00:00'), cfg);
  t.notOk(onTime.receiptOverdue);
  t.notOk(onTime.overdue);
  const due = deadlineView(arrival, 0, '2026/11/20', [{ code: '03', at: vn('2026-11-23T10:00:00') }, { code: '05', at: vn('2026-11-23T11:00:00') }], vn('2026-11-24T08:00:00'), cfg);
  t.ok(due.dueDateOverdue);
  t.equal(dueDateEnd('garbage', cfg), null);
});

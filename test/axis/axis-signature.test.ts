import t from 'tap';
import { AXIS_CLOCK_SKEW_MS, axisSignatureProblem, signAxisRequest, signedText, type SignedParts } from '../../src/axis/axis-signature.js';

const now = Date.UTC(2026, 11, 1, 3, 0, 0);
const parts: SignedParts = {
  method: 'post',
  path: '/axis/sendEdoc',
  systemId: 'qlvb-vpcp',
  from: '000.00.00.G22',
  serviceType: 'eDoc',
  messageType: 'edoc',
  timestamp: String(now),
  sha256: 'AB'.repeat(32),
};

t.test('the signed text: the values in order, one a line, method upper-cased, digest lower-cased', async (t) => {
  t.equal(signedText(parts), ['POST', '/axis/sendEdoc', 'qlvb-vpcp', '000.00.00.G22', 'eDoc', 'edoc', String(now), 'ab'.repeat(32)].join('\n'));
});

t.test('a good signature passes; any change to a signed value, the secret or the clock fails it', async (t) => {
  const secret = 's3cret-of-the-system';
  const signature = signAxisRequest(secret, parts);
  t.match(signature, /^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes');
  t.equal(axisSignatureProblem(secret, parts, signature, now), null);
  t.equal(axisSignatureProblem(secret, parts, signature, now + AXIS_CLOCK_SKEW_MS), null, 'at the edge of the window');
  for (const [field, value] of [
    ['method', 'GET'],
    ['path', '/axis/getEdoc'],
    ['systemId', 'other'],
    ['from', '000.00.00.H41'],
    ['serviceType', ''],
    ['messageType', 'status'],
    ['sha256', 'cd'.repeat(32)],
  ] as const) {
    t.match(axisSignatureProblem(secret, { ...parts, [field]: value }, signature, now), /does not match/, `${field} changed`);
  }
  t.match(axisSignatureProblem('another secret', parts, signature, now), /does not match/, 'another secret');
  t.match(axisSignatureProblem(secret, parts, 'not base64 at all', now), /does not match/, 'garbage');
  t.match(axisSignatureProblem(secret, parts, signature, now + AXIS_CLOCK_SKEW_MS + 1), /more than 5 minutes/, 'replayed later');
  t.match(axisSignatureProblem(secret, parts, signature, now - AXIS_CLOCK_SKEW_MS - 1), /more than 5 minutes/, 'from the future');
  t.match(axisSignatureProblem(secret, { ...parts, timestamp: '2026-12-01T03:00:00Z' }, signature, now), /milliseconds since 1970/);
});

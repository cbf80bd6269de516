import t from 'tap';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { canonicalRecord, chainHash, chainHashOfRecord, GENESIS_HASH, recordDigest } from '../../src/audit/chain-hash.js';
import type { AuditRecord } from '../../src/audit/audit-record.js';

const record: AuditRecord = {
  seq: '790',
  eventId: '812',
  at: '2026-01-05T02:10:44.123Z',
  type: 'message.accepted',
  actor: '000.00.00.G22',
  organs: ['000.00.00.G22', '000.00.00.H41'],
  messageId: '4f1c',
  deliveryId: null,
  documentId: '000.00.00.G22,2026/01/05,12/VPCP-TTĐT',
  data: { size: 48213, sha256: '9f', nested: { z: [1, 2.5, null, true], a: 'Công văn "số" 7\n', é: 1, e: 2 }, big: 1e21 },
};

t.test('canonical JSON follows RFC 8785 ordering and escaping', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [3, { d: null, c: 'x' }], é: 'é', e: undefined }), '{"a":[3,{"c":"x","d":null}],"b":1,"é":"é"}');
  t.equal(canonicalJson({ '\u00e9': 1, z: 2, '\ud83d\ude00': 3 }), '{"z":2,"é":1,"😀":3}', 'UTF-16 code unit order');
  t.equal(canonicalJson(1e21), '1e+21');
  t.equal(canonicalJson(-0), '0');
  t.throws(() => canonicalJson({ x: Number.NaN }), { code: 'audit.not_canonical' });
  t.throws(() => canonicalJson({ x: 1n }), { code: 'audit.not_canonical' });
});

t.test('the fast record form equals the generic canonical JSON', async (t) => {
  t.equal(canonicalRecord(record), canonicalJson(record));
  t.equal(canonicalRecord({ ...record, messageId: null, documentId: null, organs: [], data: {} }), canonicalJson({ ...record, messageId: null, documentId: null, organs: [], data: {} }));
});

t.test('hash = SHA-256(prev bytes ‖ SHA-256(canonical record))', async (t) => {
  const digest = createHash('sha256').update(canonicalJson(record), 'utf8').digest();
  t.equal(recordDigest(record), digest.toString('hex'));
  const expected = createHash('sha256').update(Buffer.concat([Buffer.alloc(32), digest])).digest('hex');
  t.equal(chainHash(GENESIS_HASH, digest.toString('hex')), expected);
  t.equal(chainHashOfRecord(GENESIS_HASH, record), expected);
  t.not(chainHash('zz'.repeat(32), digest.toString('hex')), expected, 'a malformed link never matches');
  t.not(chainHashOfRecord(GENESIS_HASH.toUpperCase().replace(/0/g, 'A'), record), expected);
});

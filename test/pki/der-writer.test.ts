/**
 * derTlv writes the same bytes as node-forge's DER encoder for every length
 * form (short, and long with 1, 2 or 3 length bytes), whatever the number of
 * parts, and refuses a value too long for its three length bytes.
 */
import t from 'tap';
import forge from 'node-forge';
import { derTlv, TAG } from '../../src/pki/asn1/der-writer.js';

const forgeDer = (tag: number, value: Buffer): Buffer =>
  Buffer.from(forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, tag, false, value.toString('binary'))).getBytes(), 'binary');

t.test('every length form, as forge encodes it', async (t) => {
  for (const n of [0, 1, 127, 128, 255, 256, 4_000, 65_535, 65_536, 300_000]) {
    const value = Buffer.alloc(n, n % 251);
    t.ok(derTlv(TAG.OCTET_STRING, value).equals(forgeDer(TAG.OCTET_STRING, value)), `${n} bytes`);
  }
});

t.test('several parts are one value, in order', async (t) => {
  const parts = [Buffer.from([1, 2]), Buffer.alloc(0), Buffer.alloc(200, 7), Buffer.from([3])];
  t.ok(derTlv(TAG.SEQUENCE, ...parts).equals(Buffer.concat([Buffer.from([0x30, 0x81, 203]), ...parts])));
  t.ok(derTlv(TAG.SET).equals(Buffer.from([0x31, 0x00])), 'no parts: an empty value');
});

t.test('a value of 16 MiB or more is refused, not written with a wrong length', async (t) => {
  t.throws(() => derTlv(TAG.OCTET_STRING, Buffer.alloc(0x1000000)), RangeError);
});

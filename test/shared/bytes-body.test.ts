import t from 'tap';
import { Readable } from 'node:stream';
import { BODY_PART_BYTES, bufferParts, bytesBody } from '../../src/shared/bytes-body.js';

t.test('parts are views of consecutive bytes, each at most a part long', async (t) => {
  const bytes = Buffer.alloc(2 * BODY_PART_BYTES + 5, 7);
  bytes.writeUInt32BE(0xdeadbeef, BODY_PART_BYTES - 2);
  const parts = [...bufferParts(bytes)];
  t.same(parts.map((p) => p.length), [BODY_PART_BYTES, BODY_PART_BYTES, 5]);
  t.ok(Buffer.concat(parts).equals(bytes), 'together they are the bytes, in order');
  t.ok(parts.every((p) => p.buffer === bytes.buffer), 'no copies: views of the same memory');
  t.same([...bufferParts(Buffer.alloc(0))], [], 'no bytes, no parts');
  t.same([...bufferParts(Buffer.from('abcdefg'), 3)].map(String), ['abc', 'def', 'g']);
});

t.test('one part goes as the buffer itself; more go as a stream that yields them as it is read', async (t) => {
  const small = Buffer.alloc(BODY_PART_BYTES, 1);
  t.equal(bytesBody(small), small);
  const large = Buffer.alloc(BODY_PART_BYTES * 3 + 1, 2);
  const body = bytesBody(large);
  if (!(body instanceof Readable)) return t.fail('a stream for more than one part');
  t.equal(body.readableHighWaterMark, 1, 'one part made ahead of the reader at most');
  const read: Buffer[] = [];
  for await (const part of body) read.push(part as Buffer);
  t.same(read.map((p) => p.length), [BODY_PART_BYTES, BODY_PART_BYTES, BODY_PART_BYTES, 1]);
  t.ok(Buffer.concat(read).equals(large));
});

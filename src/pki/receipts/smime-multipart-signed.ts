/**
 * S/MIME `multipart/signed` (RFC 8551 §3.5.3) packaging of a detached CMS signature:
 * one file that `openssl cms -verify` checks. The signature covers the first MIME part
 * exactly as written (its headers, the blank line and the body, CRLF line ends).
 */
import { HubError } from '../../shared/hub-error.js';

/** The first part of a multipart/signed message: `Content-Type` header, blank line, body. */
export function mimePart(contentType: string, body: Buffer): Buffer {
  if (body.includes(0x0a)) throw new HubError('pki.receipt_not_canonical', 'The signed body must be a single line (S/MIME text canonicalization would change LF)');
  return Buffer.concat([Buffer.from(`Content-Type: ${contentType}\r\n\r\n`, 'latin1'), body]);
}

/** Wraps a signed MIME part and its detached CMS signature (DER) into one S/MIME message. */
export function buildMultipartSigned(signedPart: Buffer, signatureDer: Buffer): Buffer {
  // The last bytes of the signature are unpredictable already (ECDSA nonce / RSA output):
  // no RNG call per receipt, and the same receipt is the same file.
  const boundary = `----edoc-hub-${signatureDer.subarray(-16).toString('hex')}`;
  if (signedPart.includes(boundary)) throw new HubError('pki.receipt_not_canonical', 'The signed part contains the MIME boundary');
  const flat = signatureDer.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += 64) lines.push(flat.slice(i, i + 64));
  const b64 = lines.join('\r\n');
  return Buffer.concat([
    Buffer.from(
      'MIME-Version: 1.0\r\n' +
        `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg="sha-256"; boundary="${boundary}"\r\n` +
        '\r\nThis is an S/MIME signed message\r\n\r\n' +
        `--${boundary}\r\n`,
      'latin1',
    ),
    signedPart,
    Buffer.from(
      `\r\n--${boundary}\r\n` +
        'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n' +
        'Content-Transfer-Encoding: base64\r\n' +
        'Content-Disposition: attachment; filename="smime.p7s"\r\n\r\n' +
        `${b64}\r\n\r\n--${boundary}--\r\n`,
      'latin1',
    ),
  ]);
}

/** The parts of a multipart/signed message. */
export interface MultipartSigned {
  /** The first part exactly as signed (headers + blank line + body). */
  signedPart: Buffer;
  /** Headers of the first part, lower-cased names. */
  partHeaders: Map<string, string>;
  /** Body of the first part. */
  body: Buffer;
  signatureDer: Buffer;
}

function splitHeaders(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function headerEnd(buf: Buffer, from = 0): { end: number; bodyStart: number } | null {
  const crlf = buf.indexOf('\r\n\r\n', from);
  const lf = buf.indexOf('\n\n', from);
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { end: crlf, bodyStart: crlf + 4 };
  if (lf !== -1) return { end: lf, bodyStart: lf + 2 };
  return null;
}

/** Reads an S/MIME multipart/signed message. Throws `pki.malformed_receipt`. */
export function parseMultipartSigned(bytes: Buffer): MultipartSigned {
  const bad = (why: string): HubError => new HubError('pki.malformed_receipt', `Not an S/MIME signed receipt: ${why}`);
  const top = headerEnd(bytes);
  if (!top) throw bad('no header block');
  const headers = splitHeaders(bytes.toString('latin1', 0, top.end));
  const ct = headers.get('content-type') ?? '';
  if (!/^multipart\/signed/i.test(ct)) throw bad(`content type is "${ct}"`);
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
  if (!boundary) throw bad('no boundary');
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const first = bytes.indexOf(delim, top.bodyStart);
  if (first === -1) throw bad('first boundary missing');
  let partStart = first + delim.length;
  partStart += bytes[partStart] === 0x0d ? 2 : 1;
  const second = bytes.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), partStart);
  if (second === -1) throw bad('second boundary missing');
  const signedPart = bytes.subarray(partStart, second);
  const ph = headerEnd(signedPart);
  if (!ph) throw bad('first part has no header block');
  const sigStart = second + 2 + delim.length;
  const closing = bytes.indexOf(delim, sigStart);
  if (closing === -1) throw bad('closing boundary missing');
  const sigPart = bytes.subarray(sigStart, closing);
  const sh = headerEnd(sigPart);
  if (!sh) throw bad('signature part has no header block');
  const sigHeaders = splitHeaders(sigPart.toString('latin1', 0, sh.end));
  if (!/pkcs7-signature/i.test(sigHeaders.get('content-type') ?? '')) throw bad('second part is not application/pkcs7-signature');
  const b64 = sigPart.toString('latin1', sh.bodyStart).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw bad('signature is not base64');
  return {
    signedPart,
    partHeaders: splitHeaders(signedPart.toString('latin1', 0, ph.end)),
    body: signedPart.subarray(ph.bodyStart),
    signatureDer: Buffer.from(b64, 'base64'),
  };
}

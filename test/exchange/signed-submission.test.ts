/**
 * Signature policy at the front door: signed with the sender's key → accepted
 * and "valid" everywhere; copied/foreign signatures refused under "required",
 * accepted and marked under "lenient"; hub-signed console statuses accepted.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { signEdxml } from '../../src/pki/xmldsig/sign-edxml.js';
import { buildStatus } from '../../src/edxml/build-edxml.js';
import { acceptMessage } from '../../src/exchange/accept-message.js';
import { startTestHub } from '../helpers/test-hub.js';
import { testLayout } from '../helpers/test-certs.js';

const fixture = readFileSync(new URL('../fixtures/edxml/edoc-replacement.edxml', import.meta.url));
const corpusFile = new URL('../../../shared/corpus/real/vpcp-sdk-edoc_replacement.edxml', import.meta.url);
const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const DOC_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';

function signAs(organId: string, bytes: Buffer, c14n: 'exclusive' | 'inclusive' = 'exclusive'): Buffer {
  const l = testLayout();
  return signEdxml(bytes, { keyPem: readFileSync(l.agencyKey(organId), 'utf8'), certPem: readFileSync(l.agencyCert(organId), 'utf8'), c14n });
}

t.test('signature verdicts at submission', async (t) => {
  const hub = await startTestHub();
  t.teardown(() => hub.close());

  // The corpus sample carries a copied signature; without the corpus, a signed copy with its Subject edited.
  const copiedBytes = existsSync(corpusFile)
    ? readFileSync(corpusFile)
    : Buffer.from(signAs(G22, fixture).toString('utf8').replace(/<edXML:Subject>/, '<edXML:Subject>SỬA '));
  const copied = await hub.request(G22, 'POST', '/v1/messages', copiedBytes);
  t.equal(copied.status, 422, 'a copied signature is refused under "required"');
  const err = copied.json<{ error: { code: string; details: { signature: { status: string } } } }>().error;
  t.match(err.code, /^pki\./);
  t.equal(err.details.signature.status, 'invalid');

  const foreign = await hub.request(G22, 'POST', '/v1/messages', signAs(H41, fixture));
  t.equal(foreign.status, 422);
  t.equal(foreign.json<{ error: { code: string } }>().error.code, 'pki.wrong_agency', "another agency's certificate");

  const signed = await hub.request(G22, 'POST', '/v1/messages', signAs(G22, fixture, 'inclusive'));
  t.equal(signed.status, 202, signed.body.toString());
  const accepted = signed.json<{ id: string; signature: { status: string; signer: { organIds: string[]; algorithm: string } } }>();
  t.equal(accepted.signature.status, 'valid');
  t.ok(accepted.signature.signer.organIds.includes(G22));

  const inbox = (await hub.request(H41, 'GET', '/v1/inbox')).json<{ entries: { message: { signature: { status: string } } }[] }>();
  t.equal(inbox.entries[0]!.message.signature.status, 'valid', 'the inbox carries the verdict');
  const tracking = (await hub.request(G22, 'GET', `/v1/messages/${accepted.id}/tracking`)).json<{ message: { signature: { status: string } } }>();
  t.equal(tracking.message.signature.status, 'valid', 'tracking carries the verdict');

  // Unsigned under "required": refused as missing; under "lenient": accepted and marked.
  const unsigned = buildStatus({ from: { organId: H41 }, responseFor: { organId: G22, documentId: DOC_ID }, statusCode: '01' });
  const refused = await hub.request(H41, 'POST', '/v1/messages', unsigned);
  t.equal(refused.status, 422);
  t.equal(refused.json<{ error: { code: string } }>().error.code, 'pki.signature_missing');
  await hub.setAgency(H41, { signaturePolicy: 'lenient' });
  const marked = await hub.request(H41, 'POST', '/v1/messages', unsigned);
  t.equal(marked.status, 202);
  t.equal(marked.json<{ signature: { status: string } }>().signature.status, 'missing');
  await hub.setAgency(H41, { signaturePolicy: 'required' });

  // A status the hub signs for a console clerk of Nghệ An.
  const l = testLayout();
  const status03 = signEdxml(
    buildStatus({ from: { organId: H41 }, responseFor: { organId: G22, documentId: DOC_ID }, statusCode: '03', description: 'Đã tiếp nhận' }),
    { keyPem: readFileSync(l.signingKey, 'utf8'), certPem: readFileSync(l.signingCert, 'utf8'), c14n: 'exclusive' },
  );
  const viaConsole = await acceptMessage(hub.hub.services.exchange, H41, status03, { onBehalfOf: { user: 'vanthu.h41' } });
  t.equal(viaConsole.signature.status, 'valid');
  await t.rejects(acceptMessage(hub.hub.services.exchange, H41, signAs(H41, unsigned), { onBehalfOf: { user: 'x' } }), {
    code: 'exchange.hub_signature_invalid',
  });
  const hubSigned = signEdxml(
    buildStatus({ from: { organId: H41 }, responseFor: { organId: G22, documentId: DOC_ID }, statusCode: '04', description: 'Đã phân công' }),
    { keyPem: readFileSync(l.signingKey, 'utf8'), certPem: readFileSync(l.signingCert, 'utf8'), c14n: 'exclusive' },
  );
  t.equal((await hub.request(H41, 'POST', '/v1/messages', hubSigned)).status, 422, 'a hub-signed message is not accepted from an agency over the API');
  const resent = await hub.request(H41, 'POST', '/v1/messages', status03);
  t.match({ status: resent.status, body: resent.json() }, { status: 200, body: { id: viaConsole.id, duplicate: true } }, 'the bytes its clerk sent: the first answer, nothing new');
});

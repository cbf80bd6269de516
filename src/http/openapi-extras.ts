/**
 * What the OpenAPI document cannot learn from the route schemas: the raw edXML
 * bodies (a body schema would make Fastify validate the bytes as JSON), the
 * bytes a download returns, and how callers authenticate (mutual TLS, 401
 * without a certificate).
 */
import { errorSchema } from './routes/schemas.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const edxmlBytes = { type: 'string', format: 'binary', description: 'the exact edXML bytes' } as const;
const edxmlContent = {
  'application/xml': { schema: edxmlBytes },
  'text/xml': { schema: edxmlBytes },
  'application/octet-stream': { schema: edxmlBytes },
};
const unauthenticated = {
  description: 'no client certificate (mutual TLS) was presented',
  content: { 'application/json': { schema: errorSchema } },
};

/** How /axis refuses: the national axis' own shape, not the /v1 error object. */
const axisFailure = {
  type: 'object',
  properties: {
    status: { type: 'string', const: 'FAIL' },
    ErrorCode: { type: 'string', description: 'the stable code, as in /v1 (e.g. axis.unauthenticated, edxml.not_well_formed)' },
    ErrorDesc: { type: 'string' },
    line: { type: 'integer' },
    column: { type: 'integer' },
    element: { type: 'string' },
    organId: { type: 'string' },
  },
  required: ['status', 'ErrorCode', 'ErrorDesc'],
} as const;
const axisUnauthenticated = {
  description: 'neither a client certificate nor a valid signature of a known system',
  content: { 'application/json': { schema: axisFailure } },
};
const axisRefused = { description: 'refused; the HTTP status is the one /v1 gives for the same refusal', content: { 'application/json': { schema: axisFailure } } };
const receiptBytes = {
  description: 'the receipt: an S/MIME multipart/signed file (verify offline with the CA certificate: docs/signatures.md)',
  content: { 'message/rfc822': { schema: { type: 'string', format: 'binary' } } },
};

/** The operation at `path` and `method` in the document's paths, if there is one. */
function operation(paths: Json, path: string, method: string): Json | undefined {
  const item = paths[path];
  const op = isObject(item) ? item[method] : undefined;
  return isObject(op) ? op : undefined;
}

/** Adds the raw bodies, the security schemes and 401 answers to the generated document (in place). */
export function completeOpenApi(doc: { paths?: object; components?: object }): void {
  const paths: Json = isObject(doc.paths) ? doc.paths : {};
  const submit = operation(paths, '/v1/messages', 'post');
  if (submit) submit.requestBody = { required: true, description: 'the edXML document or status message, as signed', content: edxmlContent };
  const axisSubmit = operation(paths, '/axis/sendEdoc', 'post');
  if (axisSubmit) axisSubmit.requestBody = { required: true, description: 'the edXML document or status message, as signed', content: edxmlContent };
  for (const path of ['/v1/messages/{id}/receipt', '/v1/deliveries/{id}/receipt']) {
    const receipt = operation(paths, path, 'get');
    if (receipt && isObject(receipt.responses)) receipt.responses['200'] = receiptBytes;
  }
  const download = operation(paths, '/v1/messages/{id}', 'get');
  if (download && isObject(download.responses)) {
    download.responses['200'] = {
      description: 'the exact bytes as submitted; headers X-Edoc-Sha256 and, for a recipient, X-Edoc-Delivery-Id',
      content: { 'application/xml': { schema: edxmlBytes } },
    };
  }
  // Agency and audit calls need a client certificate; the axis calls take one or a signed request;
  // health, metrics and the docs need nothing.
  for (const item of Object.values(paths)) {
    for (const op of Object.values(isObject(item) ? item : {})) {
      if (!isObject(op) || !isObject(op.responses) || !Array.isArray(op.tags)) continue;
      // An answer whose route schema declares none (a JSON view, e.g. tracking) is still an answer.
      if (!Object.keys(op.responses).some((c) => c.startsWith('2'))) op.responses['200'] = { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } };
      if (op.tags.includes('agency') || op.tags.includes('audit')) {
        op.security = [{ mutualTLS: [] }];
        op.responses['401'] ??= unauthenticated;
      } else if (op.tags.includes('axis')) {
        op.security = [{ mutualTLS: [] }, { axisSignature: [] }];
        op.responses['401'] = axisUnauthenticated;
        op.responses['4XX'] ??= axisRefused;
      }
    }
  }
  const components: Json = isObject(doc.components) ? doc.components : {};
  components.securitySchemes = {
    ...(isObject(components.securitySchemes) ? components.securitySchemes : {}),
    mutualTLS: { type: 'mutualTLS', description: "a client certificate issued to the agency (its OrganId) or to an auditor, chained to the hub's trust store" },
    axisSignature: {
      type: 'apiKey',
      in: 'header',
      name: 'signature',
      description: 'HMAC-SHA256 with the system secret over the method, path, systemid, from, servicetype, messagetype, timestamp and sha256 headers (docs/axis.md)',
    },
  };
  doc.components = components;
}

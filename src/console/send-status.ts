/**
 * A business status sent by a clerk from the page: the hub builds the status
 * edXML for the clerk's agency, signs it with the hub's own key (agency keys
 * stay with the agencies) and submits it through the same acceptance path as
 * the API, recording the clerk as the person it acted for.
 */
import { buildStatus } from '../edxml/build-edxml.js';
import type { StatusCode } from '../edxml/types.js';
import { signEdxml } from '../pki/xmldsig/sign-edxml.js';
import { acceptMessage, type AcceptResult } from '../exchange/accept-message.js';
import { messageVisibleTo } from '../exchange/read-access.js';
import type { ExchangeDeps } from '../exchange/exchange-deps.js';
import { getAgencies } from '../store/agency-repo.js';
import { HubError } from '../shared/hub-error.js';

/** The statuses a clerk may send from the console. */
export const CONSOLE_STATUS_CODES = ['02', '03', '04', '05', '06'] as const;
export type ConsoleStatusCode = (typeof CONSOLE_STATUS_CODES)[number];

export function isConsoleStatusCode(c: string): c is ConsoleStatusCode {
  return (CONSOLE_STATUS_CODES as readonly string[]).includes(c);
}

export interface SendStatusInput {
  /** The clerk's agency: must be a recipient of the document. */
  organId: string;
  user: string;
  documentMessageId: string;
  code: ConsoleStatusCode;
  reason?: string;
}

/** Builds, signs and submits the status; answers the acceptance. */
export async function sendStatusFromConsole(deps: ExchangeDeps, input: SendStatusInput): Promise<AcceptResult> {
  const doc = await messageVisibleTo(deps.db, input.documentMessageId, input.organId);
  if (doc.kind !== 'edoc' || !doc.recipients.includes(input.organId)) {
    throw new HubError('console.not_a_recipient', 'only a recipient of a document reports its processing status', { status: 403 });
  }
  const reason = input.reason?.trim();
  if (input.code === '02' && !reason) throw new HubError('console.reason_required', 'a refusal (02) needs a reason', { status: 400 });
  const organ = (await getAgencies(deps.db, [input.organId])).get(input.organId);
  const code = [doc.code_number, doc.code_notation].filter(Boolean).join('/');
  const summary = doc.summary as { promulgationInfo?: { promulgationDate?: string } };
  const bytes = buildStatus({
    from: { organId: input.organId, ...(organ ? { organName: organ.name } : {}) },
    responseFor: {
      organId: doc.from_organ,
      documentId: doc.document_id,
      ...(code ? { code } : {}),
      ...(summary.promulgationInfo?.promulgationDate ? { promulgationDate: summary.promulgationInfo.promulgationDate } : {}),
    },
    statusCode: input.code satisfies StatusCode,
    ...(reason ? { description: reason } : {}),
    staffInfo: { staff: input.user },
  });
  const signed = signEdxml(bytes, { keyPem: deps.hubSigningKeyPem, certPem: deps.hubSigner.certificatePem, c14n: 'exclusive', signingTime: new Date() });
  return acceptMessage(deps, input.organId, signed, { onBehalfOf: { user: input.user } });
}

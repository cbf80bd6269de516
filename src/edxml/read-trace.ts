/** TraceHeaderList: the TraceHeaders (hops) and the Bussiness block. */
import { childText, edxmlChild, edxmlChildren, textValue } from './edxml-elements.js';
import { edxmlReject } from './edxml-reject.js';
import { parseTimestamp } from './parse-timestamp.js';
import type { Business, BusinessDocType, BusinessReceiver, ReplacementInfo, StaffInfo, TraceHeader } from './types.js';
import type { XmlDocument, XmlElement } from './xml/tree.js';

/** StaffInfo {Department, Staff, Email, Mobile}; undefined when absent or empty. */
export function readStaffInfo(doc: XmlDocument, el: XmlElement | undefined): StaffInfo | undefined {
  if (!el) return undefined;
  const info: StaffInfo = {};
  const department = childText(doc, el, 'Department');
  const staff = childText(doc, el, 'Staff');
  const email = childText(doc, el, 'Email');
  const mobile = childText(doc, el, 'Mobile');
  if (department !== undefined) info.department = department;
  if (staff !== undefined) info.staff = staff;
  if (email !== undefined) info.email = email;
  if (mobile !== undefined) info.mobile = mobile;
  return Object.keys(info).length > 0 ? info : undefined;
}

/** Reads a timestamp into `{timestamp, timestampIso}`, warning when it cannot be read. */
export function readTimestamp(text: string | undefined, where: string, warnings: string[]): { timestamp?: string; timestampIso?: string } {
  if (text === undefined) return {};
  const iso = parseTimestamp(text);
  if (iso === null) {
    warnings.push(`${where}: timestamp "${text}" is in no known format; kept as written`);
    return { timestamp: text };
  }
  return { timestamp: text, timestampIso: iso };
}

/** TraceHeaderList/TraceHeader*, in document order. */
export function readTraceHeaders(doc: XmlDocument, list: XmlElement | undefined, warnings: string[]): TraceHeader[] {
  if (!list) return [];
  return edxmlChildren(list, 'TraceHeader').map((el) => {
    const th: TraceHeader = {};
    const organId = childText(doc, el, 'OrganId');
    if (organId !== undefined) th.organId = organId;
    Object.assign(th, readTimestamp(childText(doc, el, 'Timestamp'), `TraceHeader at line ${el.line}`, warnings));
    return th;
  });
}

function readReceiverList(doc: XmlDocument, list: XmlElement): BusinessReceiver[] {
  const out: BusinessReceiver[] = [];
  for (const el of edxmlChildren(list, 'Receiver')) {
    const r: BusinessReceiver = {};
    const organId = childText(doc, el, 'OrganId');
    const receiverType = childText(doc, el, 'ReceiverType');
    if (organId !== undefined) r.organId = organId;
    if (receiverType !== undefined) r.receiverType = receiverType;
    if (Object.keys(r).length > 0) out.push(r);
  }
  return out;
}

/** TraceHeaderList/Bussiness; null when absent. Refuses a BussinessDocType outside 0–3. */
export function readBusiness(doc: XmlDocument, list: XmlElement | undefined, warnings: string[]): Business | null {
  const all = list ? edxmlChildren(list, 'Bussiness') : [];
  const el = all[0];
  if (!el) return null;
  if (all.length > 1) warnings.push(`TraceHeaderList has ${all.length} Bussiness elements; the first is used`);
  const typeEl = edxmlChild(el, 'BussinessDocType');
  const typeText = textValue(doc, typeEl);
  let businessDocType: BusinessDocType = 0;
  if (typeText !== undefined) {
    if (!/^[0-3]$/.test(typeText)) {
      throw edxmlReject('edxml.bad_business_doc_type', `BussinessDocType "${typeText}" is not one of 0 (new), 1 (recall), 2 (update), 3 (replacement)`, typeEl);
    }
    businessDocType = Number(typeText) as BusinessDocType;
  } else if (typeEl) {
    warnings.push(`BussinessDocType at line ${typeEl.line} is empty; taken as 0 (new)`);
  }
  const replacementInfoList: ReplacementInfo[] = [];
  for (const listEl of edxmlChildren(el, 'ReplacementInfoList')) {
    for (const info of edxmlChildren(listEl, 'ReplacementInfo')) {
      const ri: ReplacementInfo = { organIdList: [] };
      const documentId = childText(doc, info, 'DocumentId');
      if (documentId !== undefined) ri.documentId = documentId;
      for (const ids of edxmlChildren(info, 'OrganIdList')) {
        for (const idEl of edxmlChildren(ids, 'OrganId')) {
          const id = textValue(doc, idEl);
          if (id !== undefined) ri.organIdList.push(id);
        }
      }
      replacementInfoList.push(ri);
    }
  }
  const business: Business = { businessDocType, present: typeEl !== undefined, replacementInfoList };
  const reason = childText(doc, el, 'BussinessDocReason');
  const documentId = childText(doc, el, 'DocumentId');
  const paper = childText(doc, el, 'Paper');
  const staffInfo = readStaffInfo(doc, edxmlChild(el, 'StaffInfo'));
  if (reason !== undefined) business.businessDocReason = reason;
  if (documentId !== undefined) business.documentId = documentId;
  if (paper !== undefined) business.paper = paper;
  if (staffInfo !== undefined) business.staffInfo = staffInfo;
  const receivers = edxmlChild(el, 'ReceiverList');
  if (receivers) business.receiverList = readReceiverList(doc, receivers);
  const infoEl = edxmlChild(el, 'BussinessDocumentInfo');
  if (infoEl) {
    const infoReceivers = edxmlChild(infoEl, 'ReceiverList');
    business.businessDocumentInfo = { receiverList: infoReceivers ? readReceiverList(doc, infoReceivers) : [] };
    const documentInfo = childText(doc, infoEl, 'DocumentInfo');
    const documentReceiver = childText(doc, infoEl, 'DocumentReceiver');
    if (documentInfo !== undefined) business.businessDocumentInfo.documentInfo = documentInfo;
    if (documentReceiver !== undefined) business.businessDocumentInfo.documentReceiver = documentReceiver;
  }
  return business;
}

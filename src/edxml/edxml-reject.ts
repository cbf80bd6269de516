/** Builds the HubError for an edXML message that is well-formed XML but not an acceptable edXML message. */
import { HubError } from '../shared/hub-error.js';
import type { XmlElement } from './xml/tree.js';

/** A 400 HubError located at `el` (line/column of its start tag) when given. */
export function edxmlReject(code: string, message: string, el?: XmlElement): HubError {
  if (!el) return new HubError(code, message);
  return new HubError(code, `${message} (line ${el.line}, column ${el.column})`, { line: el.line, column: el.column, element: el.localName });
}

/**
 * Canonical JSON (RFC 8785, JCS): object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers serialised as ECMAScript `JSON.stringify`
 * does. Equal values always give identical bytes, which the hash chain needs.
 */
import { HubError } from '../shared/hub-error.js';

/** Serialises `value` canonically; refuses non-finite numbers, bigint and functions. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new HubError('audit.not_canonical', 'non-finite number in audit data');
      return JSON.stringify(value);
    case 'object': {
      // String concatenation rather than map/join: this runs for every entry sealed or verified.
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i] ?? null);
        return `${out}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        out += `${out.length === 1 ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
      }
      return `${out}}`;
    }
    default:
      throw new HubError('audit.not_canonical', `cannot put a ${typeof value} in audit data`);
  }
}

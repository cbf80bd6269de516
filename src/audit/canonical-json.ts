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
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(obj).sort()) {
        const v = obj[k];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new HubError('audit.not_canonical', `cannot put a ${typeof value} in audit data`);
  }
}

/** JSON schemas shared by route groups (they also feed the OpenAPI document). */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        line: { type: 'integer' },
        column: { type: 'integer' },
        element: { type: 'string' },
        organId: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

/**
 * A seq cursor: digits that fit PostgreSQL's bigint. Up to 18 of them, since
 * some 19-digit numbers are over its maximum and the database would refuse them
 * (a 500) where the client sent a bad value (400).
 */
export const SEQ_CURSOR_PATTERN = '^[0-9]{1,18}$';

/**
 * A reason is plain text for the sender: no C0 control character but tab, LF
 * and CR (PostgreSQL refuses U+0000, XML 1.0 the others), refused with 400.
 */
export const REASON_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F]*$';

export const pageQuery = {
  type: 'object',
  properties: {
    after: { type: 'string', pattern: SEQ_CURSOR_PATTERN, description: 'cursor from the previous page' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

export const signatureSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    status: { type: 'string', enum: ['valid', 'missing', 'invalid'] },
    code: { type: 'string' },
    reason: { type: 'string' },
    signer: { type: 'object', additionalProperties: true },
  },
} as const;

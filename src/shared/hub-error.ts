/**
 * The one error type of the hub. Every refusal carries a stable snake_case `code`
 * with an origin prefix (`edxml.undeclared_prefix`, `pki.cert_revoked`), the HTTP
 * status it maps to, whether a retry may succeed, and where the fault is when it
 * has a place (line/column in the submitted XML, the element, the OrganId).
 *
 * Codes never change once shipped: clients and auditors match on them.
 */
export interface ErrorLocation {
  /** 1-based line in the submitted bytes. */
  line?: number;
  /** 1-based column (in characters) in the submitted bytes. */
  column?: number;
  /** The element (local name or path) the fault is about. */
  element?: string;
  /** The agency the fault is about. */
  organId?: string;
}

export interface HubErrorOptions extends ErrorLocation {
  status?: number;
  retryable?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** JSON shape of an error as the API and CLI print it. */
export interface ErrorBody extends ErrorLocation {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class HubError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly line?: number;
  readonly column?: number;
  readonly element?: string;
  readonly organId?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, opts: HubErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.retryable = opts.retryable ?? false;
    if (opts.line !== undefined) this.line = opts.line;
    if (opts.column !== undefined) this.column = opts.column;
    if (opts.element !== undefined) this.element = opts.element;
    if (opts.organId !== undefined) this.organId = opts.organId;
    if (opts.details !== undefined) this.details = opts.details;
  }

  toJSON(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.line !== undefined) body.line = this.line;
    if (this.column !== undefined) body.column = this.column;
    if (this.element !== undefined) body.element = this.element;
    if (this.organId !== undefined) body.organId = this.organId;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export function isHubError(e: unknown): e is HubError {
  return e instanceof HubError;
}

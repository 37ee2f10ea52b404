/**
 * Typed errors of the domain. Code anywhere throws these; `problem.ts` maps them to RFC 9457
 * problem documents in one place. Messages never carry credentials, URLs with query strings or
 * values read from a provider body (they may be personal data): only field paths and reasons.
 */

export type ResourceKind =
  | 'connection'
  | 'invoice'
  | 'order'
  | 'document'
  | 'route'
  | 'webhook'
  | 'delivery'
  | 'key';

/** Base class, so that callers can tell our errors from programming errors. */
export abstract class InvoiceRelayError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
}

/** A caller sent something we cannot use; `parameter` names it. */
export class InvalidInput extends InvoiceRelayError {
  readonly parameter: string;
  readonly reason: string;
  constructor(parameter: string, reason: string) {
    super(`${parameter}: ${reason}`);
    this.parameter = parameter;
    this.reason = reason;
  }
}

export class NotFound extends InvoiceRelayError {
  readonly resource: ResourceKind;
  readonly identifier: string;
  constructor(resource: ResourceKind, identifier: string) {
    super(`${resource} not found`);
    this.resource = resource;
    this.identifier = identifier;
  }
}

/** The provider has no such operation (for example a list on vn-einvoice). */
export class OperationNotSupported extends InvoiceRelayError {
  readonly provider: string;
  readonly operation: string;
  readonly supported: readonly string[];
  constructor(provider: string, operation: string, supported: readonly string[]) {
    super(`${provider} does not offer '${operation}'`);
    this.provider = provider;
    this.operation = operation;
    this.supported = supported;
  }
}

/** The provider answered something we cannot read: `detail` says what was wrong, never the value. */
export class MalformedResponse extends InvoiceRelayError {
  readonly provider: string;
  readonly detail: string;
  constructor(provider: string, detail: string) {
    super(`${provider} sent a malformed response: ${detail}`);
    this.provider = provider;
    this.detail = detail;
  }
}

/**
 * The provider refused the request for a reason of its own (an error envelope such as
 * pretendentas `success: false`, or an unexpected 4xx). `providerMessage` is the provider's own
 * text: kept for the operator's CLI, never put into an API response or a log line.
 */
export class ProviderRejected extends InvoiceRelayError {
  readonly provider: string;
  readonly upstreamStatus: number;
  readonly providerMessage: string | null;
  constructor(provider: string, upstreamStatus: number, providerMessage: string | null) {
    super(`${provider} refused the request (status ${upstreamStatus})`);
    this.provider = provider;
    this.upstreamStatus = upstreamStatus;
    this.providerMessage = providerMessage;
  }
}

/** The provider refused the connection's credentials (401) or their permissions (403). */
export class ProviderAuthFailed extends InvoiceRelayError {
  readonly provider: string;
  readonly reason: 'unauthorized' | 'forbidden';
  constructor(provider: string, reason: 'unauthorized' | 'forbidden') {
    super(
      `${provider} answered ${reason === 'unauthorized' ? '401' : '403'} to the connection's credentials`,
    );
    this.provider = provider;
    this.reason = reason;
  }
}

/** The provider throttled us and kept doing so through our retries. */
export class RateLimited extends InvoiceRelayError {
  readonly provider: string;
  readonly retryAfterSeconds: number | null;
  constructor(provider: string, retryAfterSeconds: number | null) {
    super(`${provider} is rate limiting requests`);
    this.provider = provider;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 5xx after retries, connection failures, or the connection's circuit is open. */
export class UpstreamUnavailable extends InvoiceRelayError {
  readonly provider: string;
  readonly reason: string;
  readonly retryAfterSeconds: number | null;
  constructor(provider: string, reason: string, retryAfterSeconds: number | null = null) {
    super(`${provider} is unavailable: ${reason}`);
    this.provider = provider;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UpstreamTimeout extends InvoiceRelayError {
  readonly provider: string;
  readonly timeoutMs: number;
  constructor(provider: string, timeoutMs: number) {
    super(`${provider} did not answer within ${timeoutMs} ms`);
    this.provider = provider;
    this.timeoutMs = timeoutMs;
  }
}

/** No API key, or one that is unknown or revoked. */
export class Unauthenticated extends InvoiceRelayError {
  constructor() {
    super('missing or invalid API key');
  }
}

/** The API key is valid but lacks the scope this operation needs. */
export class Forbidden extends InvoiceRelayError {
  readonly scope: string;
  constructor(scope: string) {
    super(`the API key lacks scope ${scope}`);
    this.scope = scope;
  }
}

/** The caller exceeded its request rate. */
export class Throttled extends InvoiceRelayError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('too many requests');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The request is valid but conflicts with the current state (a quota is used up, a resource was
 * changed meanwhile); `kind` names the problem, `reason` says what to do.
 */
export class Conflict extends InvoiceRelayError {
  readonly kind: 'quota-exceeded' | 'changed-meanwhile' | 'too-many-rotations';
  readonly reason: string;
  constructor(kind: Conflict['kind'], reason: string) {
    super(reason);
    this.kind = kind;
    this.reason = reason;
  }
}

/** The path exists, the method does not. */
export class MethodNotAllowed extends InvoiceRelayError {
  readonly allowed: readonly string[];
  constructor(allowed: readonly string[]) {
    super('method not allowed');
    this.allowed = allowed;
  }
}

/** The request as a whole is unusable (too large, wrong content type…), beyond any one parameter. */
export class UnacceptableRequest extends InvoiceRelayError {
  readonly status: 413 | 415 | 431;
  readonly reason: string;
  constructor(status: 413 | 415 | 431, reason: string) {
    super(reason);
    this.status = status;
    this.reason = reason;
  }
}

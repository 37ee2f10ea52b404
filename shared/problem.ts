import {
  Conflict,
  Forbidden,
  InvalidInput,
  MalformedResponse,
  MethodNotAllowed,
  NotFound,
  OperationNotSupported,
  ProviderAuthFailed,
  ProviderRejected,
  RateLimited,
  Throttled,
  UnacceptableRequest,
  Unauthenticated,
  UpstreamTimeout,
  UpstreamUnavailable,
} from './errors.ts';

/**
 * RFC 9457 problem document, with the extension members this product uses. Its schema, for the
 * reference and the tests, is shared/api/responses.ts's: the functions only ever write problems.
 */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string | undefined;
  parameter?: string | undefined;
  supportedOperations?: string[] | undefined;
  retryAfterSeconds?: number | undefined;
  allowedMethods?: string[] | undefined;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Tag URIs (RFC 4151): absolute and stable, and they promise no web page behind them. */
export function problemType(slug: string): string {
  return `tag:invoice-relay,2026:problem/${slug}`;
}

function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  extra: Partial<Problem> = {},
): Problem {
  return { type: problemType(slug), title, status, detail, ...extra };
}

/**
 * Maps any thrown value to the problem a user sees. The one place that decides status codes.
 * Unknown errors become a bare 500: their message may hold internals, so it is never shown.
 */
export function toProblem(error: unknown): Problem {
  if (error instanceof InvalidInput) {
    return problem(400, 'invalid-input', 'Invalid request', `${error.parameter}: ${error.reason}`, {
      parameter: error.parameter,
    });
  }
  if (error instanceof Unauthenticated) {
    return problem(
      401,
      'unauthenticated',
      'Unauthenticated',
      'Send a valid API key as "Authorization: Bearer <key>"; this one is missing, unknown or revoked.',
    );
  }
  if (error instanceof Forbidden) {
    return problem(403, 'forbidden', 'Forbidden', `This API key lacks the scope '${error.scope}'.`);
  }
  if (error instanceof Throttled) {
    return problem(
      429,
      'throttled',
      'Too many requests',
      `Slow down; retry after ${error.retryAfterSeconds} s.`,
      {
        retryAfterSeconds: error.retryAfterSeconds,
      },
    );
  }
  if (error instanceof MethodNotAllowed) {
    return problem(
      405,
      'method-not-allowed',
      'Method not allowed',
      `This path accepts ${error.allowed.join(', ')}.`,
      { allowedMethods: [...error.allowed] },
    );
  }
  if (error instanceof UnacceptableRequest) {
    const titles = {
      413: 'Request too large',
      415: 'Unsupported media type',
      431: 'Request headers too large',
    };
    return problem(error.status, 'unacceptable-request', titles[error.status], error.reason);
  }
  if (error instanceof Conflict) {
    const titles = {
      'quota-exceeded': 'Quota exceeded',
      'changed-meanwhile': 'Changed meanwhile',
      'too-many-rotations': 'Too many rotations',
    };
    return problem(409, error.kind, titles[error.kind], error.reason);
  }
  if (error instanceof NotFound) {
    return problem(
      404,
      'not-found',
      'Not found',
      `No ${error.resource} '${error.identifier}' is known here.`,
    );
  }
  if (error instanceof OperationNotSupported) {
    return problem(
      501,
      'operation-not-supported',
      'Operation not supported by this provider',
      `${error.provider} does not offer '${error.operation}'. It offers: ${error.supported.join(', ') || 'nothing'}.`,
      { supportedOperations: [...error.supported] },
    );
  }
  if (error instanceof MalformedResponse) {
    return problem(
      502,
      'upstream-malformed',
      'Upstream sent a malformed response',
      `${error.provider}: ${error.detail}`,
    );
  }
  if (error instanceof ProviderRejected) {
    return problem(
      502,
      'upstream-rejected',
      'Upstream refused the request',
      `${error.provider} refused the request (its status ${error.upstreamStatus}).`,
    );
  }
  if (error instanceof ProviderAuthFailed) {
    return problem(
      502,
      'upstream-credentials',
      'Upstream refused our credentials',
      `${error.provider} answered ${error.reason === 'unauthorized' ? '401' : '403'}: check the connection's credentials and their permissions.`,
    );
  }
  if (error instanceof RateLimited) {
    return problem(
      503,
      'upstream-rate-limited',
      'Upstream is rate limiting',
      `${error.provider} kept throttling requests through our retries; try again later.`,
      error.retryAfterSeconds === null ? {} : { retryAfterSeconds: error.retryAfterSeconds },
    );
  }
  if (error instanceof UpstreamUnavailable) {
    return problem(
      503,
      'upstream-unavailable',
      'Upstream unavailable',
      `${error.provider}: ${error.reason}.`,
      {
        ...(error.retryAfterSeconds === null ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      },
    );
  }
  if (error instanceof UpstreamTimeout) {
    return problem(
      504,
      'upstream-timeout',
      'Upstream timeout',
      `${error.provider} did not answer within ${error.timeoutMs} ms.`,
    );
  }
  return problem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
}

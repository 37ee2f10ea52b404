import type { SandboxApp, SandboxRequest, SandboxResponse } from '../../shared/sandbox/sandbox-app.ts';

/**
 * A provider that misbehaves: a real sandbox app whose requests and answers a test rewrites, so
 * that the product meets a looping `next` link, a page far larger than it asked for, or a record
 * it cannot read, over real HTTP, with the provider's real auth and routing around it.
 */
export interface Hostility {
  /** Rewrites a provider request before the sandbox answers it. */
  request?: (request: SandboxRequest) => SandboxRequest;
  /** Rewrites the sandbox's answer; the body is text (every sandbox answers text). */
  response?: (request: SandboxRequest, response: SandboxResponse & { body: string }) => SandboxResponse;
}

export function hostileSandbox(app: SandboxApp, hostility: Hostility): SandboxApp & { requests: number } {
  const hostile = {
    ...app,
    requests: 0,
    async handle(request: SandboxRequest): Promise<SandboxResponse> {
      hostile.requests++;
      const rewritten = hostility.request?.(request) ?? request;
      const answer = await app.handle(rewritten);
      if (hostility.response === undefined) return answer;
      return hostility.response(rewritten, { ...answer, body: String(answer.body ?? '') });
    },
  };
  return hostile;
}

/** Whether a request is a provider call (not one of the sandbox's control routes). */
export function isProviderCall(request: SandboxRequest): boolean {
  return request.path.startsWith('/v');
}

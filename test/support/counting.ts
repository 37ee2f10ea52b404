import type { SandboxApp, SandboxRequest } from '../../shared/sandbox/sandbox-app.ts';

/** Wraps a sandbox app to record the provider requests it receives (control routes excluded). */
export function counting(app: SandboxApp): SandboxApp & { requests: Array<{ path: string; at: number }> } {
  const requests: Array<{ path: string; at: number }> = [];
  return {
    ...app,
    requests,
    handle(request: SandboxRequest) {
      requests.push({ path: request.path, at: performance.now() });
      return app.handle(request);
    },
  };
}

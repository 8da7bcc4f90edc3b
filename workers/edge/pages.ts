// The web UI's files (public/, the assets binding) behind the Worker. wrangler.toml runs the Worker first for every
// path (`run_worker_first = true`) because the local assets layer mishandles a request body it never reads: under
// `wrangler dev`, `PUT /` or `POST /about` with a body answered 500 with a stack trace or reset the connection, and
// usually took the whole local arena down. So only GET and HEAD reach the assets, always without a body; any other
// method on a page is a JSON 405 after the body is drained.

/** Paths the Worker itself answers (DESIGN section 2); everything else is a page or a file of the web UI. */
const WORKER_PATHS = /^\/(api|v1)(\/|$)|^\/(leaderboard\.json|openapi\.json|__scheduled)$/;

export const isWorkerPath = (pathname: string): boolean => WORKER_PATHS.test(pathname);

/** Reads a request body to its end without keeping it, so the connection stays usable and nothing is buffered. */
export async function drainBody(request: Request): Promise<void> {
  if (!request.body || request.bodyUsed) return;
  try {
    const reader = request.body.getReader();
    while (!(await reader.read()).done) {
      // discard
    }
  } catch {
    // the client went away: nothing left to drain
  }
}

/** A page or UI file: GET/HEAD from the assets binding (SPA fallback included), any other method a 405. */
export async function servePage(request: Request, env: Env): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  await drainBody(request);
  return env.ASSETS.fetch(new Request(request.url, { method: request.method, headers: request.headers }));
}

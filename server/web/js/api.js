// The JSON API under v1/, relative to the page so that the UI also works
// behind a path prefix. Every failure becomes an ApiError carrying the
// server's message and status, for the page to show.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status; // 0: the request did not reach the server
  }
}

// api fetches v1/<path> with query params (empty values left out) and
// returns the decoded JSON, or throws an ApiError.
export async function api(path, params = {}, { signal } = {}) {
  const url = new URL("v1/" + path, document.baseURI);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  let res;
  try {
    res = await fetch(url, { headers: { Accept: "application/json" }, signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, `the server did not answer (${err.message})`);
  }
  let body = null;
  const text = await res.text();
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const msg = body && typeof body.error === "string" ? body.error : (text.trim() || res.statusText);
    throw new ApiError(res.status, msg);
  }
  if (body === null) throw new ApiError(res.status, "the server's answer is not JSON");
  return body;
}

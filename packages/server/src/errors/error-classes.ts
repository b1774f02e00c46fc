/** Every status an error answer can have. */
export type ErrorStatus = 400 | 401 | 404 | 405 | 409 | 413 | 429 | 500 | 503;

/** An HTTP status and the OpenAI-style `error.type` that goes with it. */
export interface ErrorClass {
  status: ErrorStatus;
  type: string;
}

const INVALID_REQUEST: ErrorClass = { status: 400, type: "invalid_request_error" };
const UNAVAILABLE: ErrorClass = { status: 503, type: "service_unavailable_error" };

// Exact codes win over prefixes, so `request.too_large` is 413 while other `request.*` are 400.
const BY_CODE: Readonly<Record<string, ErrorClass>> = {
  "model.not_found": { status: 404, type: "invalid_request_error" },
  "route.not_found": { status: 404, type: "invalid_request_error" },
  "request.method_not_allowed": { status: 405, type: "invalid_request_error" },
  "request.too_large": { status: 413, type: "invalid_request_error" },
  "cache.busy": { status: 409, type: "conflict_error" },
  "queue.full": { status: 429, type: "rate_limit_error" },
  "server.not_ready": UNAVAILABLE,
  "server.draining": UNAVAILABLE,
};

const BY_PREFIX: ReadonlyArray<readonly [string, ErrorClass]> = [
  ["sampling.", INVALID_REQUEST],
  ["request.", INVALID_REQUEST],
  ["auth.", { status: 401, type: "authentication_error" }],
];

/** The class of the answer a client gets for an internal fault; its message reveals nothing. */
export const INTERNAL: ErrorClass = { status: 500, type: "server_error" };

/**
 * The status and type for a Pagoda error code, or `null` when the code is not one a client
 * caused or can act on (those are internal faults: 500).
 */
export function classifyCode(code: string): ErrorClass | null {
  const exact = BY_CODE[code];
  if (exact) return exact;
  for (const [prefix, cls] of BY_PREFIX) if (code.startsWith(prefix)) return cls;
  return null;
}

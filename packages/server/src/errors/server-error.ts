import { PagodaError } from "@pagoda/errors";

/**
 * A failure of the server itself rather than of one request: `server.listen_failed` (the port is
 * taken, the host does not resolve) and `server.bad_state` (e.g. `ready()` called twice). These
 * reach the program that runs the server, never a client.
 */
export class ServerError extends PagodaError {}

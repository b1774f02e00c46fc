import { PagodaError } from "@pagoda/errors";

/**
 * What the page throws: a server answered with an error, or sent something that is not the
 * documented shape (codes `api.*` and `feed.*`).
 */
export class PlaygroundError extends PagodaError {}

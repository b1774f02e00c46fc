import { PagodaError } from "@pagoda/errors";

/** Bad launcher input (a shape, dtype or buffer that does not fit the kernel). */
export class KernelError extends PagodaError {}

import { PagodaError } from "@pagoda/errors";

/** Why no WebGPU device could be had: thrown by `requestDevice`. */
export class GpuUnavailableError extends PagodaError {}

declare module "vitest" {
  export interface ProvidedContext {
    pagodaGpu: { available: boolean; reason: string };
  }
}

/** Whether the run's global set-up found a WebGPU adapter. */
export function gpuAvailable(): boolean;
/** `describe` for GPU tests: skipped (loudly, by the global set-up) when no adapter exists. */
export function describeGpu(name: string, fn: () => void): void;

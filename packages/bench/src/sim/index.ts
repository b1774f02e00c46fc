export { CostModel, type StepTiming } from "./cost-model.js";
export { BenchError } from "./errors.js";
export { type DeviceFit, fitDevice, type TimedStep } from "./fit-device.js";
export { MEASURED_DEVICE } from "./measured-profile.js";
export { MODEL_PRESETS, modelFromConfig, resolveModel, type SimModel } from "./model-presets.js";
export { resolveDevice, SIM_DEVICES, type SimDevice, simDeviceNames } from "./sim-device.js";
export {
  SimulatedExecutor,
  type SimulatedExecutorOptions,
  type SimulatedStep,
} from "./simulated-executor.js";
export { sampleToken } from "./token-sampler.js";
export { VirtualClock } from "./virtual-clock.js";

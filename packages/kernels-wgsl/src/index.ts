export {
  GpuUnavailableError,
  OPTIONAL_FEATURES,
  type OptionalFeature,
  type PagodaDevice,
  type RequestDeviceOptions,
  requestDevice,
} from "./device/request-device.js";

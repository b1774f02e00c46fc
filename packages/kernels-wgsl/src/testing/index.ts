export { expectClose, type Tolerance } from "./expect-close.js";
export { randomF32, randomInts, seededRandom } from "./random.js";
export { ropeTestFrequencies } from "./rope-input.js";
export { FEATURE_SETS, testDevice } from "./test-device.js";

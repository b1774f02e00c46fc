export { loadPolicy } from "./load-policy.js";

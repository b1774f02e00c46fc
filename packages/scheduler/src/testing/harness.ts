// The harness ships in the conformance entry; tests keep importing it from here.
export * from "../conformance/harness.js";

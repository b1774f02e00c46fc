// The fake executor ships in the conformance entry; tests keep importing it from here.
export * from "../conformance/fake-executor.js";

// The policy's own test: the conformance suite every built-in policy passes.
import { describePolicyConformance } from "@pagoda/scheduler/conformance";
import createShortestFirst from "./shortest-first.js";

describePolicyConformance("shortest-first", createShortestFirst, { policyOptions: { msPerToken: 2 } });

export { type DatasetEntry, datasetTrace, parseDataset } from "./dataset.js";
export { resetPrefixCache } from "./reset-prefix-cache.js";
export { runServe, type ServeOptions, type ServeRunResult } from "./run-serve.js";
export { sseData } from "./sse.js";
export {
  type CompletionCall,
  type CompletionOutcome,
  completionsUrl,
  streamCompletion,
} from "./stream-completion.js";

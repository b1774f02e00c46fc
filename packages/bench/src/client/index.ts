export { type DatasetEntry, datasetTrace, parseDataset } from "./dataset.js";
export { runServe, type ServeOptions, type ServeRunResult } from "./run-serve.js";
export { sseData } from "./sse.js";
export {
  type CompletionCall,
  type CompletionOutcome,
  completionsUrl,
  streamCompletion,
} from "./stream-completion.js";

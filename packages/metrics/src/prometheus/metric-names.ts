/** The Prometheus metric kinds Pagoda exposes. */
export type PrometheusKind = "counter" | "gauge" | "histogram";

/** One exposed metric: its Pagoda name, kind, labels beyond `model_name`, and vLLM's name for it. */
export interface MetricDefinition {
  readonly name: string;
  readonly kind: PrometheusKind;
  readonly help: string;
  readonly extraLabels: readonly string[];
  /** The vLLM metric measuring the same thing, or null where vLLM has none. */
  readonly vllmName: string | null;
}

const def = (
  name: string,
  kind: PrometheusKind,
  vllmName: string | null,
  help: string,
  extraLabels: readonly string[] = [],
): MetricDefinition => ({ name: `pagoda:${name}`, kind, help, extraLabels, vllmName });

/**
 * Every metric the exporter registers, in exposition order, under its `pagoda:` name. Each has a
 * `model_name` label; with the `vllm` prefix ({@link metricName}) the ones vLLM has take vLLM's name.
 */
export const METRIC_DEFINITIONS = {
  ttft: def(
    "time_to_first_token_seconds",
    "histogram",
    "vllm:time_to_first_token_seconds",
    "Time to first token (arrival to first output token) in seconds.",
  ),
  itl: def(
    "inter_token_latency_seconds",
    "histogram",
    "vllm:inter_token_latency_seconds",
    "Inter-token latency: every gap between a request's consecutive outputs, in seconds.",
  ),
  tpot: def(
    "request_time_per_output_token_seconds",
    "histogram",
    "vllm:request_time_per_output_token_seconds",
    "Per-request mean time per output token after the first, in seconds.",
  ),
  e2e: def(
    "e2e_request_latency_seconds",
    "histogram",
    "vllm:e2e_request_latency_seconds",
    "End-to-end request latency (arrival to finish) in seconds.",
  ),
  queue: def(
    "request_queue_time_seconds",
    "histogram",
    "vllm:request_queue_time_seconds",
    "Time from arrival to first scheduling, in seconds.",
  ),
  inference: def(
    "request_inference_time_seconds",
    "histogram",
    "vllm:request_inference_time_seconds",
    "Time from first scheduling to last token, in seconds.",
  ),
  prefill: def(
    "request_prefill_time_seconds",
    "histogram",
    "vllm:request_prefill_time_seconds",
    "Time from first scheduling to first token, in seconds.",
  ),
  decode: def(
    "request_decode_time_seconds",
    "histogram",
    "vllm:request_decode_time_seconds",
    "Time from first token to last token, in seconds.",
  ),
  iterationTokens: def(
    "iteration_tokens_total",
    "histogram",
    "vllm:iteration_tokens_total",
    "Tokens computed per engine step.",
  ),
  running: def(
    "num_requests_running",
    "gauge",
    "vllm:num_requests_running",
    "Requests in the running batch.",
  ),
  waiting: def(
    "num_requests_waiting",
    "gauge",
    "vllm:num_requests_waiting",
    "Requests waiting to be scheduled.",
  ),
  swapped: def(
    "num_requests_swapped",
    "gauge",
    "vllm:num_requests_swapped",
    "Requests swapped out to CPU memory (vLLM v0 only).",
  ),
  kvUsage: def(
    "kv_cache_usage_perc",
    "gauge",
    "vllm:kv_cache_usage_perc",
    "KV cache usage: 1 means 100 percent of blocks in use.",
  ),
  intensity: def(
    "step_arithmetic_intensity",
    "gauge",
    null,
    "Arithmetic intensity (FLOPs per byte) of the latest step with a batch shape.",
  ),
  computeBound: def(
    "step_compute_bound",
    "gauge",
    null,
    "1 if the latest step was compute-bound on the device profile, 0 if memory-bound.",
  ),
  preemptions: def(
    "num_preemptions_total",
    "counter",
    "vllm:num_preemptions_total",
    "Preemptions by the scheduler.",
  ),
  prefixQueries: def(
    "prefix_cache_queries_total",
    "counter",
    "vllm:prefix_cache_queries_total",
    "Prefix cache queries, in tokens.",
  ),
  prefixHits: def(
    "prefix_cache_hits_total",
    "counter",
    "vllm:prefix_cache_hits_total",
    "Prefix cache hits, in tokens.",
  ),
  promptTokens: def(
    "prompt_tokens_total",
    "counter",
    "vllm:prompt_tokens_total",
    "Prompt tokens of requests whose prefill finished.",
  ),
  generationTokens: def(
    "generation_tokens_total",
    "counter",
    "vllm:generation_tokens_total",
    "Generated tokens.",
  ),
  requestSuccess: def(
    "request_success_total",
    "counter",
    "vllm:request_success_total",
    "Finished requests, by finish reason.",
    ["finished_reason"],
  ),
  requestPromptTokens: def(
    "request_prompt_tokens",
    "histogram",
    "vllm:request_prompt_tokens",
    "Prompt tokens of each finished request.",
  ),
  requestGenerationTokens: def(
    "request_generation_tokens",
    "histogram",
    "vllm:request_generation_tokens",
    "Generated tokens of each finished request (all of its n samples).",
  ),
  requestParamsN: def(
    "request_params_n",
    "histogram",
    "vllm:request_params_n",
    "The n request parameter (samples asked for) of each finished request.",
  ),
  cacheConfig: def(
    "cache_config_info",
    "gauge",
    "vllm:cache_config_info",
    "The KV cache's configuration, in labels (value 1); present once a model is loaded.",
    ["block_size", "num_gpu_blocks", "cache_dtype", "kv_cache_bytes"],
  ),
  specDrafts: def(
    "spec_decode_num_drafts_total",
    "counter",
    "vllm:spec_decode_num_drafts_total",
    "Speculative decoding verifications: one per request per step with draft tokens.",
  ),
  specDraftTokens: def(
    "spec_decode_num_draft_tokens_total",
    "counter",
    "vllm:spec_decode_num_draft_tokens_total",
    "Speculative draft tokens verified.",
  ),
  specAcceptedTokens: def(
    "spec_decode_num_accepted_tokens_total",
    "counter",
    "vllm:spec_decode_num_accepted_tokens_total",
    "Speculative draft tokens accepted.",
  ),
  specAcceptedPerPos: def(
    "spec_decode_num_accepted_tokens_per_pos_total",
    "counter",
    "vllm:spec_decode_num_accepted_tokens_per_pos_total",
    "Speculative draft tokens accepted, by 0-based position among a request's drafts.",
    ["position"],
  ),
  stepTime: def(
    "step_time_seconds_total",
    "counter",
    null,
    "Engine step time spent on prefill and on decode work, in seconds.",
    ["phase"],
  ),
} as const satisfies Record<string, MetricDefinition>;

/** The name family of an exposition: Pagoda's own, or vLLM's for dashboards and gateways. */
export type MetricsPrefix = "pagoda" | "vllm";

/** Every {@link MetricsPrefix}, for flag parsing. */
export const METRICS_PREFIXES: readonly MetricsPrefix[] = ["pagoda", "vllm"];

/**
 * The exposed name of `d`: with `vllm`, vLLM's name verbatim where vLLM has the metric; a metric
 * only Pagoda has keeps its `pagoda:` name either way, so no name is passed off as vLLM's.
 */
export function metricName(d: MetricDefinition, prefix: MetricsPrefix): string {
  return prefix === "vllm" && d.vllmName !== null ? d.vllmName : d.name;
}

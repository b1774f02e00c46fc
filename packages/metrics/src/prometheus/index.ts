export {
  ITERATION_TOKEN_BUCKETS,
  REQUEST_LATENCY_BUCKETS,
  TOKEN_LATENCY_BUCKETS,
  TTFT_BUCKETS,
} from "./buckets.js";
export { METRIC_DEFINITIONS, type MetricDefinition, type PrometheusKind } from "./metric-names.js";
export {
  type CacheConfigInfo,
  PrometheusExporter,
  type PrometheusExporterOptions,
} from "./prometheus-exporter.js";

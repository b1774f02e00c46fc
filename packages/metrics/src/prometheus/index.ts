export {
  ITERATION_TOKEN_BUCKETS,
  oneTwoFiveBuckets,
  REQUEST_LATENCY_BUCKETS,
  REQUEST_PARAMS_N_BUCKETS,
  TOKEN_LATENCY_BUCKETS,
  TTFT_BUCKETS,
} from "./buckets.js";
export {
  METRIC_DEFINITIONS,
  METRICS_PREFIXES,
  type MetricDefinition,
  type MetricsPrefix,
  metricName,
  type PrometheusKind,
} from "./metric-names.js";
export {
  type CacheConfigInfo,
  PrometheusExporter,
  type PrometheusExporterOptions,
} from "./prometheus-exporter.js";

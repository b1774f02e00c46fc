import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { StepBottleneck } from "../bottleneck/roofline.js";
import { MetricsError } from "../errors.js";
import { FINISH_REASONS, type FinishReason, type SchedulerState, type StepRecord } from "../events.js";
import type { FinishedRequest } from "../recorder/finished-request.js";
import type { MetricsSink } from "../recorder/sink.js";
import {
  ITERATION_TOKEN_BUCKETS,
  oneTwoFiveBuckets,
  REQUEST_LATENCY_BUCKETS,
  REQUEST_PARAMS_N_BUCKETS,
  TOKEN_LATENCY_BUCKETS,
  TTFT_BUCKETS,
} from "./buckets.js";
import {
  METRIC_DEFINITIONS as M,
  type MetricDefinition,
  type MetricsPrefix,
  metricName,
} from "./metric-names.js";

/** The KV cache a served model runs with, for `cache_config_info`. */
export interface CacheConfigInfo {
  readonly blockSize: number;
  /** Blocks of the device cache, the null block included. */
  readonly numGpuBlocks: number;
  /** Element type of the cache: `f32`, `f16` or `int8`. */
  readonly cacheDtype: string;
  /** Bytes of the device cache. */
  readonly kvCacheBytes: number;
}

/** Options of a {@link PrometheusExporter}. */
export interface PrometheusExporterOptions {
  /** The `model_name` label value of every series (the served model's name). */
  readonly modelName: string;
  /** Registry to register in; default a fresh one, so two exporters never share state. */
  readonly registry?: Registry;
  /** `vllm`: vLLM's metric names verbatim, for its dashboards and gateways; default `pagoda`. */
  readonly prefix?: MetricsPrefix;
  /**
   * The served context length: the top of the per-request token histograms' 1-2-5 buckets, as in
   * vLLM. Default 4096 until {@link PrometheusExporter.setMaxModelLen} gives the loaded model's.
   */
  readonly maxModelLen?: number;
}

/** The per-request token-count histograms, rebuilt when the context length becomes known. */
interface TokenHistograms {
  readonly prompt: Observe;
  readonly generation: Observe;
}

type Observe = (value: number) => void;
type Inc = (value: number) => void;

/**
 * A {@link MetricsSink} that keeps vLLM's metrics, with vLLM's buckets, in a prom-client registry,
 * named `pagoda:*` or (prefix `vllm`) exactly as vLLM names them. Every series exists from the
 * start (zero), so `/metrics` lists every name.
 *
 * @example
 * const exporter = new PrometheusExporter({ modelName: "qwen2.5-0.5b" });
 * recorder.addSink(exporter);
 * const text = await exporter.metrics(); // Prometheus text format 0.0.4
 */
export class PrometheusExporter implements MetricsSink {
  /** The registry holding the metrics; serve `registry.metrics()` with `registry.contentType`. */
  readonly registry: Registry;
  private readonly ttft: Observe;
  private readonly itl: Observe;
  private readonly tpot: Observe;
  private readonly e2e: Observe;
  private readonly queue: Observe;
  private readonly inference: Observe;
  private readonly prefill: Observe;
  private readonly decode: Observe;
  private readonly iterationTokens: Observe;
  private readonly paramsN: Observe;
  private tokenCounts: TokenHistograms;
  private readonly gauges: Record<
    "running" | "waiting" | "swapped" | "kvUsage" | "intensity" | "computeBound",
    Observe
  >;
  private readonly counters: Record<
    | "preemptions"
    | "prefixQueries"
    | "prefixHits"
    | "promptTokens"
    | "generationTokens"
    | "specDrafts"
    | "specDraftTokens"
    | "specAcceptedTokens",
    Inc
  >;
  /** Accepted drafts by position, added up until the next scrape (it grows with the positions seen). */
  private readonly acceptedPerPos: number[] = [];
  private readonly acceptedPerPosCounter: Counter;
  private readonly success: Record<FinishReason, Inc>;
  private readonly prefillTime: Inc;
  private readonly decodeTime: Inc;
  private readonly cacheConfig: Gauge;
  private readonly modelName: string;
  private readonly prefix: MetricsPrefix;

  constructor(options: PrometheusExporterOptions) {
    const registry = options.registry ?? new Registry();
    this.registry = registry;
    this.prefix = options.prefix ?? "pagoda";
    const common = (d: MetricDefinition) => commonConfig(d, this.prefix, registry);
    const labels = { model_name: options.modelName };
    const histogram = (d: MetricDefinition, buckets: readonly number[]): Observe => {
      const h = new Histogram({ ...common(d), buckets: [...buckets] });
      h.zero(labels);
      const child = h.labels(labels);
      return (v) => child.observe(v);
    };
    // Counters and gauges change on every token or step; prom-client's labelled inc/set hash the
    // labels each call, so they add up here and reach prom-client in `collect`, once per scrape.
    const gauge = (d: MetricDefinition): Observe => {
      let latest = 0;
      const g: Gauge = new Gauge({ ...common(d), collect: () => g.set(labels, latest) });
      g.set(labels, 0);
      return (v) => {
        latest = v;
      };
    };
    const counters = <K extends string>(d: MetricDefinition, label: string | null, keys: readonly K[]) => {
      const pending = new Float64Array(keys.length);
      const labelsOf = (k: K) => (label === null ? labels : { ...labels, [label]: k });
      const c: Counter = new Counter({
        ...common(d),
        collect: () => {
          keys.forEach((k, i) => {
            const v = pending[i] ?? 0;
            if (v > 0) c.inc(labelsOf(k), v);
            pending[i] = 0;
          });
        },
      });
      for (const k of keys) c.inc(labelsOf(k), 0);
      const adders = keys.map((k, i) => {
        const add: Inc = (v) => {
          pending[i] = (pending[i] ?? 0) + v;
        };
        return [k, add] as const;
      });
      return Object.fromEntries(adders) as Record<K, Inc>;
    };
    const counter = (d: MetricDefinition): Inc => counters(d, null, ["total"]).total;
    this.ttft = histogram(M.ttft, TTFT_BUCKETS);
    this.itl = histogram(M.itl, TOKEN_LATENCY_BUCKETS);
    this.tpot = histogram(M.tpot, TOKEN_LATENCY_BUCKETS);
    this.e2e = histogram(M.e2e, REQUEST_LATENCY_BUCKETS);
    this.queue = histogram(M.queue, REQUEST_LATENCY_BUCKETS);
    this.inference = histogram(M.inference, REQUEST_LATENCY_BUCKETS);
    this.prefill = histogram(M.prefill, REQUEST_LATENCY_BUCKETS);
    this.decode = histogram(M.decode, REQUEST_LATENCY_BUCKETS);
    this.iterationTokens = histogram(M.iterationTokens, ITERATION_TOKEN_BUCKETS);
    this.modelName = options.modelName;
    this.tokenCounts = this.tokenHistograms(options.maxModelLen ?? 4096);
    this.paramsN = histogram(M.requestParamsN, REQUEST_PARAMS_N_BUCKETS);
    this.gauges = {
      running: gauge(M.running),
      waiting: gauge(M.waiting),
      swapped: gauge(M.swapped),
      kvUsage: gauge(M.kvUsage),
      intensity: gauge(M.intensity),
      computeBound: gauge(M.computeBound),
    };
    this.counters = {
      preemptions: counter(M.preemptions),
      prefixQueries: counter(M.prefixQueries),
      prefixHits: counter(M.prefixHits),
      promptTokens: counter(M.promptTokens),
      generationTokens: counter(M.generationTokens),
      specDrafts: counter(M.specDrafts),
      specDraftTokens: counter(M.specDraftTokens),
      specAcceptedTokens: counter(M.specAcceptedTokens),
    };
    const perPos: Counter = new Counter({
      ...common(M.specAcceptedPerPos),
      collect: () => {
        this.acceptedPerPos.forEach((v, i) => {
          perPos.inc({ ...labels, position: String(i) }, v);
          this.acceptedPerPos[i] = 0;
        });
      },
    });
    this.acceptedPerPosCounter = perPos;
    this.setNumSpeculativeTokens(1);
    this.success = counters(M.requestSuccess, "finished_reason", FINISH_REASONS);
    const stepTime = counters(M.stepTime, "phase", ["prefill", "decode"]);
    this.prefillTime = stepTime.prefill;
    this.decodeTime = stepTime.decode;
    this.cacheConfig = new Gauge(common(M.cacheConfig));
  }

  /**
   * Rebuilds `request_prompt_tokens` and `request_generation_tokens` with 1-2-5 buckets up to
   * the loaded model's context length (vLLM's buckets); call it once the model is loaded, before
   * requests: what the two held is dropped.
   */
  setMaxModelLen(maxModelLen: number): void {
    if (!(Number.isInteger(maxModelLen) && maxModelLen >= 1)) {
      throw new MetricsError("metrics.bad_value", `maxModelLen must be an integer ≥ 1, got ${maxModelLen}`);
    }
    for (const d of [M.requestPromptTokens, M.requestGenerationTokens]) {
      this.registry.removeSingleMetric(metricName(d, this.prefix));
    }
    this.tokenCounts = this.tokenHistograms(maxModelLen);
  }

  private tokenHistograms(maxModelLen: number): TokenHistograms {
    const labels = { model_name: this.modelName };
    const make = (d: MetricDefinition): Observe => {
      const h = new Histogram({
        ...commonConfig(d, this.prefix, this.registry),
        buckets: oneTwoFiveBuckets(maxModelLen),
      });
      h.zero(labels);
      const child = h.labels(labels);
      return (v) => child.observe(v);
    };
    return { prompt: make(M.requestPromptTokens), generation: make(M.requestGenerationTokens) };
  }

  /** Sets `cache_config_info` to the loaded model's KV cache (replacing an earlier one). */
  setCacheConfig(c: CacheConfigInfo): void {
    this.cacheConfig.reset();
    this.cacheConfig.set(
      {
        model_name: this.modelName,
        block_size: c.blockSize,
        num_gpu_blocks: c.numGpuBlocks,
        cache_dtype: c.cacheDtype,
        kv_cache_bytes: c.kvCacheBytes,
      },
      1,
    );
  }

  /**
   * Lists `spec_decode_num_accepted_tokens_per_pos` at zero for positions 0 to k − 1 (the
   * engine's speculative length), as vLLM does; positions seen later are added as they come.
   */
  setNumSpeculativeTokens(k: number): void {
    if (!(Number.isInteger(k) && k >= 1)) {
      throw new MetricsError("metrics.bad_value", `numSpeculativeTokens must be an integer ≥ 1, got ${k}`);
    }
    for (let i = this.acceptedPerPos.length; i < k; i++) {
      this.acceptedPerPos.push(0);
      this.acceptedPerPosCounter.inc({ model_name: this.modelName, position: String(i) }, 0);
    }
  }

  /** The exposition in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The HTTP Content-Type of {@link metrics}. */
  get contentType(): string {
    return this.registry.contentType;
  }

  firstToken(ttftSeconds: number, numPromptTokens: number, numTokens: number): void {
    this.ttft(ttftSeconds);
    this.counters.promptTokens(numPromptTokens);
    this.counters.generationTokens(numTokens);
  }

  nextToken(gapSeconds: number, numTokens: number): void {
    this.itl(gapSeconds);
    this.counters.generationTokens(numTokens);
  }

  requestFinished(r: FinishedRequest): void {
    this.success[r.reason](1);
    this.tokenCounts.prompt(r.numPromptTokens);
    this.tokenCounts.generation(r.numGenerationTokens);
    this.paramsN(r.n);
    this.e2e(r.e2eSeconds);
    if (r.queueSeconds !== null) this.queue(r.queueSeconds);
    if (r.inferenceSeconds !== null) this.inference(r.inferenceSeconds);
    if (r.prefillSeconds !== null) this.prefill(r.prefillSeconds);
    if (r.decodeSeconds !== null) this.decode(r.decodeSeconds);
    if (r.tpotSeconds !== null) this.tpot(r.tpotSeconds);
  }

  step(step: StepRecord, bottleneck: StepBottleneck | null): void {
    this.iterationTokens(step.numPrefillTokens + step.numDecodeTokens);
    this.state(step);
    this.counters.preemptions(step.numPreemptions);
    this.counters.prefixQueries(step.prefixCacheQueries);
    this.counters.prefixHits(step.prefixCacheHits);
    this.prefillTime(step.prefillSeconds);
    this.decodeTime(step.decodeSeconds);
    const spec = step.specDecode;
    if (spec !== undefined && spec.numDrafts > 0) {
      this.counters.specDrafts(spec.numDrafts);
      this.counters.specDraftTokens(spec.numDraftTokens);
      this.counters.specAcceptedTokens(spec.numAcceptedTokens);
      spec.numAcceptedTokensPerPos.forEach((n, i) => {
        if (i >= this.acceptedPerPos.length) this.setNumSpeculativeTokens(i + 1);
        this.acceptedPerPos[i] = (this.acceptedPerPos[i] ?? 0) + n;
      });
    }
    if (bottleneck !== null) {
      this.gauges.intensity(bottleneck.arithmeticIntensity);
      this.gauges.computeBound(bottleneck.bound === "compute" ? 1 : 0);
    }
  }

  state(state: SchedulerState): void {
    this.gauges.running(state.numRunning);
    this.gauges.waiting(state.numWaiting);
    this.gauges.swapped(state.numSwapped);
    this.gauges.kvUsage(state.kvCacheUsage);
  }
}

function commonConfig(d: MetricDefinition, prefix: MetricsPrefix, registry: Registry) {
  return {
    name: metricName(d, prefix),
    help: d.help,
    labelNames: ["model_name", ...d.extraLabels],
    registers: [registry],
  };
}

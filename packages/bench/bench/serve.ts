// `bench serve` end to end: Pagoda's own OpenAI-compatible server (@pagoda/server) over the
// stories260K CPU engine on an ephemeral port, benchmarked over HTTP + SSE at several rates.
// Run: pnpm --filter @pagoda/bench bench:serve

import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { AsyncEngine, createEngine } from "@pagoda/engine";
import { createServerApp, startServer } from "@pagoda/server";
import { pino } from "pino";
import { buildTrace, formatTable, runServe } from "../src/index.js";

const MODEL =
  process.env.PAGODA_MODEL ??
  fileURLToPath(new URL("../../../../shared/models/stories260K", import.meta.url));
const server = createServerApp({ servedModelName: "stories260K", logger: pino({ level: "silent" }) });
const llm = await createEngine({ model: MODEL, device: "cpu", metrics: server.metrics });
const { tokenizer, chatTemplate } = llm.parts.model;
server.state.ready({
  engine: new AsyncEngine(llm.engine, () => llm.close()),
  tokenizer,
  chatTemplate,
  maxModelLen: 512,
});
const running = await startServer({ server, port: 0 });
// One unmeasured burst first: V8 compiles the engine's hot loops during the first steps, which
// would otherwise land in the first rate's TTFT.
await runServe({
  url: running.url,
  model: "stories260K",
  requests: buildTrace({ numPrompts: 32, requestRate: Infinity, inputLen: 64, outputLen: 64, seed: 99 }),
  maxConcurrency: 32,
  vocabSize: 512,
  avoidTokenIds: [2],
});
const rows = [];
const load0 = loadavg()[0];
// Each rate gets its own prompts (seed): with one trace for all, the later rates would hit the
// prefix cache the earlier ones filled and report prefill-free TTFTs.
for (const [i, rate] of [2, 5, 10, Number.POSITIVE_INFINITY].entries()) {
  const requests = buildTrace({
    numPrompts: 100,
    requestRate: rate,
    inputLen: 64,
    outputLen: 64,
    rangeRatio: 0.5,
    seed: i,
  });
  const out = await runServe({
    url: running.url,
    model: "stories260K",
    requests,
    maxConcurrency: 32,
    vocabSize: 512,
    avoidTokenIds: [2],
    goodput: { ttft: 500, tpot: 50 },
  });
  rows.push({ rate, errors: out.errors, result: out.result });
  console.error(
    `rate ${rate}: ${out.result.output_throughput.toFixed(0)} tok/s, ${out.result.failed} failed`,
  );
}
await running.close();
await writeFile(
  new URL("./results/serve.json", import.meta.url),
  `${JSON.stringify({ load_average_start: load0, load_average_end: loadavg()[0], rows }, null, 2)}\n`,
);
console.log(
  formatTable(
    [
      "rate",
      "done",
      "failed",
      "out tok/s",
      "TTFT p50",
      "TTFT p99",
      "TPOT p50",
      "ITL p99",
      "E2E p50",
      "goodput %",
    ],
    rows.map(({ rate, result: r }) => [
      String(rate),
      r.completed,
      r.failed,
      r.output_throughput,
      r.ttft_ms.p50 ?? Number.NaN,
      r.ttft_ms.p99 ?? Number.NaN,
      r.tpot_ms.p50 ?? Number.NaN,
      r.itl_ms.p99 ?? Number.NaN,
      r.e2e_ms.p50 ?? Number.NaN,
      (r.goodput?.fraction ?? 0) * 100,
    ]),
  ),
);

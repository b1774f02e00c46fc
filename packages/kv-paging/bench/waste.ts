// Waste report: contiguous pre-allocation against paging on a realistic length mix.
// Run: pnpm --filter @pagoda/kv-paging bench:waste
import { generateLengthTrace, measureWaste, REALISTIC_LENGTH_MIX } from "../src/index.js";

const maxModelLen = 4096;
const trace = generateLengthTrace({ numRequests: 100_000, seed: 1, ...REALISTIC_LENGTH_MIX });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  `trace: ${trace.length} requests, prompt and output log-normal (median 200, sigma 1, max 2000); ` +
    `mean prompt ${mean(trace.map((r) => r.promptTokens)).toFixed(0)}, ` +
    `mean output ${mean(trace.map((r) => r.outputTokens)).toFixed(0)}; maxModelLen ${maxModelLen}\n`,
);
const pct = (x: number) => `${(x * 100).toFixed(2)} %`.padStart(9);
console.log("| allocation | waste at each request's peak | waste over each request's lifetime |");
console.log("|---|---:|---:|");
const contiguous = measureWaste(trace, { maxModelLen, blockSize: 16 }).contiguous;
console.log(
  `| contiguous, ${maxModelLen} tokens reserved | ${pct(contiguous.atPeak.wasteFraction)} | ${pct(contiguous.overLifetime.wasteFraction)} |`,
);
for (const blockSize of [8, 16, 32]) {
  const { paged } = measureWaste(trace, { maxModelLen, blockSize });
  console.log(
    `| paged, B = ${blockSize} | ${pct(paged.atPeak.wasteFraction)} | ${pct(paged.overLifetime.wasteFraction)} |`,
  );
}

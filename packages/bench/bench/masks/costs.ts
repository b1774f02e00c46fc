import { StructuredDecoder } from "@pagoda/engine";
import { maskLogits, packSamplingInputs, samplingParams, tokenAllowed } from "@pagoda/kernels-wgsl";
import type { LoadedModel } from "@pagoda/model-loaders";

/** The schema of the measured requests: one string, which random weights rarely close, so steps are mid-string. */
export const LONG_STRING = {
  type: "object",
  properties: { text: { type: "string" } },
  required: ["text"],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function timed(reps: number, fn: () => unknown): number {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** One-off and per-step costs of 32 constrained requests mid-string, on the host. */
export async function maskCosts(model: LoadedModel, numRequests: number, reps: number) {
  const vocab = model.config.vocabSize;
  let t = performance.now();
  const eos = model.generationConfig.eosTokenIds;
  const decoder = await StructuredDecoder.create(model.tokenizer, vocab, eos);
  const decoderMs = performance.now() - t;
  const spec = { kind: "json_schema" as const, schema: JSON.stringify(LONG_STRING) };
  t = performance.now();
  const matchers = [await decoder.matcher(spec)];
  const compileMs = performance.now() - t;
  while (matchers.length < numRequests) matchers.push(await decoder.matcher(spec));
  // Mid-string: each matcher takes 12 tokens, each the highest id its mask allows (Qwen3's ids
  // run from short to long pieces, so this writes whole words into the string).
  for (const m of matchers) {
    for (let i = 0; i < 12; i++) {
      const mask = await m.getNextTokenBitmask();
      let id = vocab - 1;
      while (id > 0 && !(tokenAllowed(mask, id) && !eos.includes(id))) id--;
      if (!m.acceptToken(id)) throw new Error(`token ${id} rejected`);
    }
  }
  const masks: Int32Array[] = [];
  const computeMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    masks.length = 0;
    for (const m of matchers) masks.push(await m.getNextTokenBitmask());
    computeMs.push(performance.now() - t);
  }
  const logits = Float32Array.from({ length: vocab }, (_, i) => Math.sin(i));
  const out = new Float32Array(vocab);
  const applyMs = timed(reps, () => {
    for (const m of masks) maskLogits(logits, m, out);
  });
  // WebGPU uploads: the packed masks now, the banned-token bias list (2 words per ban) before.
  const banned = masks.map((m) => vocab - [...Array(vocab).keys()].filter((i) => tokenAllowed(m, i)).length);
  const packMaskMs = timed(reps, () =>
    packSamplingInputs(
      masks.map((tokenMask) => samplingParams({ tokenMask })),
      masks.map(() => ({ tokens: [], numPromptTokens: 0 })),
      vocab,
    ),
  );
  const packBiasMs = timed(Math.min(reps, 5), () => {
    const params = masks.map((m) => {
      const logitBias: Array<[number, number]> = [];
      for (let i = 0; i < vocab; i++) if (!tokenAllowed(m, i)) logitBias.push([i, -1e30]);
      return samplingParams({ logitBias });
    });
    packSamplingInputs(
      params,
      params.map(() => ({ tokens: [], numPromptTokens: 0 })),
      vocab,
    );
  });
  for (const m of matchers) m.dispose();
  return {
    decoderMs,
    compileMs,
    computeMs: median(computeMs),
    applyMs,
    packMaskMs,
    packBiasMs,
    maskBytes: masks.length * Math.ceil(vocab / 32) * 4,
    biasBytes: banned.reduce((a, b) => a + b * 8, 0),
  };
}

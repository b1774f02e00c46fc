import { createWasmExecutor, type ForcedScores, teacherForce } from "@pagoda/executor";
import { loadModel } from "@pagoda/model-loaders";
import type { ControlledEvaluateInputItem, Llama, Token } from "node-llama-cpp";

const BLOCK = 16;

/** Pagoda's CPU executor teacher-forced over `text` on the model at `path` (folder or GGUF). */
export async function pagodaForced(
  path: string,
  text: readonly number[],
  threads: number,
): Promise<ForcedScores> {
  const model = await loadModel(path);
  try {
    return await teacherForce(
      (sampler) =>
        createWasmExecutor({
          model,
          blockSize: BLOCK,
          numBlocks: Math.ceil(text.length / BLOCK) + 1,
          maxNumBatchedTokens: 64,
          maxNumSeqs: 1,
          threads,
          sampler,
        }),
      text,
      BLOCK,
    );
  } finally {
    await model.close();
  }
}

/**
 * llama.cpp teacher-forced over `text`: one evaluation of the whole text asking for the full
 * next-token distribution at every position (temperature 1, no top-k / top-p / min-p cut, so
 * the probabilities are the model's softmax).
 */
export async function llamaForced(
  llama: Llama,
  path: string,
  text: readonly number[],
): Promise<ForcedScores> {
  const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: text.length + 16, sequences: 1 });
  try {
    const n = text.length - 1;
    const options = { temperature: 1, topK: 0, topP: 1, minP: 0 };
    const input = text
      .slice(0, n)
      .map(
        (t): ControlledEvaluateInputItem => [t as Token, { generateNext: { probabilities: true, options } }],
      );
    const out = await context.getSequence().controlledEvaluate(input);
    const top1 = new Int32Array(n);
    const logprob = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      const probs = out[p]?.next?.probabilities;
      if (!probs) throw new Error(`llama.cpp returned no probabilities at position ${p}`);
      top1[p] = probs.keys().next().value as number;
      logprob[p] = Math.log(probs.get(text[p + 1] as Token) ?? 0);
    }
    return { top1, logprob };
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

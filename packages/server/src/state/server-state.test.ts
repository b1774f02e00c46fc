import { loadTokenizer, memoryFiles } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import type { ServedModel } from "./served-model.js";
import { ServerState } from "./server-state.js";

// A word-level tokenizer.json small enough to write inline.
const tokenizerJson = {
  version: "1.0",
  added_tokens: [
    {
      id: 0,
      content: "<s>",
      special: true,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
    },
  ],
  normalizer: null,
  pre_tokenizer: { type: "Whitespace" },
  post_processor: null,
  decoder: null,
  model: { type: "WordLevel", vocab: { "<s>": 0, hi: 1, "[UNK]": 2 }, unk_token: "[UNK]" },
};

async function servedModel(): Promise<ServedModel> {
  const files = memoryFiles("tiny", {
    "tokenizer.json": JSON.stringify(tokenizerJson),
    "tokenizer_config.json": JSON.stringify({ bos_token: "<s>", eos_token: "<s>" }),
  });
  const { tokenizer } = await loadTokenizer(files);
  const engine = {
    submit: () => Promise.reject(new Error("unused")),
    abort: async () => false,
    stats: () => {
      throw new Error("unused");
    },
    inspect: () => Promise.reject(new Error("unused")),
    resetPrefixCache: async () => false,
    close: async () => {},
  };
  return { engine, tokenizer, chatTemplate: null, maxModelLen: 64 };
}

function work() {
  let finish = () => {};
  const aborted: string[] = [];
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { done, finish, aborted, abort: (reason: string) => void aborted.push(reason) };
}

describe("ServerState", () => {
  it("goes loading → ready → draining, and model() answers each phase", async () => {
    const state = new ServerState();
    expect(() => state.model()).toThrow(expect.objectContaining({ code: "server.not_ready" }));
    const model = await servedModel();
    state.ready(model);
    expect(state.model().engine).toBe(model.engine);
    expect(() => state.ready(model)).toThrow(expect.objectContaining({ code: "server.bad_state" }));
    state.drain();
    expect(state.phase).toBe("draining");
    expect(() => state.model()).toThrow(expect.objectContaining({ code: "server.draining" }));
  });

  it("tracks work until it is done; idle waits for all of it; abortAll reaches each", async () => {
    const state = new ServerState();
    const [a, b] = [work(), work()];
    state.track(a);
    state.track(b);
    expect(state.numInFlight).toBe(2);
    let idle = false;
    const waiting = state.idle().then(() => {
      idle = true;
    });
    state.abortAll("shutdown");
    expect([a.aborted, b.aborted]).toEqual([["shutdown"], ["shutdown"]]);
    a.finish();
    await a.done;
    await Promise.resolve();
    expect(idle).toBe(false);
    b.finish();
    await waiting;
    expect(state.numInFlight).toBe(0);
  });

  it("renders with a --chat-template override, and rejects one that does not parse", async () => {
    const state = new ServerState("{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}");
    state.ready(await servedModel());
    expect(state.model().template?.render([{ role: "user", content: "hi" }])).toBe("<s>hi");
    const bad = new ServerState("{% for m in messages %}");
    const model = await servedModel();
    expect(() => bad.ready(model)).toThrow(expect.objectContaining({ code: "tokenizer.chat_template" }));
    expect(bad.phase).toBe("loading");
  });
});

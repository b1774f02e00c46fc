import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { type Qwen3Server, qwen3Server } from "../testing/qwen3-server.js";
import { postJson } from "../testing/sse.js";

let stories: LiveServer;
let client: OpenAI;
let qwen3: Qwen3Server;
beforeAll(async () => {
  qwen3 = await qwen3Server("qwen3-tiny");
  ({ client } = qwen3);
  stories = await liveServer({});
}, 120_000);
afterAll(async () => {
  await qwen3.close();
  await stories.running.close();
});

const schema = {
  type: "object",
  properties: {
    mood: { type: "string", enum: ["happy", "sad"] },
    count: { type: "integer", minimum: 0, maximum: 99 },
    ok: { type: "boolean" },
  },
  required: ["mood", "count", "ok"],
  additionalProperties: false,
};

function expectValid(text: string): void {
  const v = JSON.parse(text);
  expect(Object.keys(v).sort()).toEqual(["count", "mood", "ok"]);
  expect(["happy", "sad"]).toContain(v.mood);
  expect(Number.isInteger(v.count) && v.count >= 0 && v.count <= 99).toBe(true);
  expect(typeof v.ok).toBe("boolean");
}

describe("response_format on a random Qwen3 with the real tokenizer (openai client)", () => {
  it("json_schema: every sampled answer parses and validates", async () => {
    for (const seed of [1, 2, 3]) {
      const res = await client.chat.completions.create({
        model: "qwen3-tiny",
        messages: [{ role: "user", content: "How are you?" }],
        response_format: { type: "json_schema", json_schema: { name: "mood", schema, strict: true } },
        max_tokens: 120,
        temperature: 1,
        seed,
      });
      expect(res.choices[0]?.finish_reason).toBe("stop");
      expectValid(res.choices[0]?.message.content ?? "");
    }
  }, 120_000);

  it("json_schema streamed: the deltas join into valid JSON", async () => {
    const stream = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages: [{ role: "user", content: "Count" }],
      response_format: { type: "json_schema", json_schema: { name: "mood", schema } },
      max_tokens: 120,
      seed: 9,
      stream: true,
    });
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe("stop");
    expectValid(text);
  }, 60_000);

  it("json_object: an object, or finish_reason length when it runs out of tokens", async () => {
    const res = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages: [{ role: "user", content: "JSON please" }],
      response_format: { type: "json_object" },
      max_tokens: 60,
      seed: 4,
    });
    const choice = res.choices[0];
    if (choice?.finish_reason === "stop")
      expect(JSON.parse(choice.message.content ?? "")).toBeTypeOf("object");
    else expect(choice?.finish_reason).toBe("length");
  }, 60_000);
});

describe("vLLM's guided_* and structured_outputs on completions (stories260K)", () => {
  it("guided_choice, guided_regex and structured_outputs.choice", async () => {
    const choice = await postJson(`${stories.url}/v1/completions`, {
      prompt: "Once upon a time",
      guided_choice: ["dog", "cat", "bird"],
      temperature: 1,
      seed: 3,
    });
    expect(choice.status).toBe(200);
    const c = (await choice.json()) as { choices: Array<{ text: string }> };
    expect(["dog", "cat", "bird"]).toContain(c.choices[0]?.text);
    const regex = await postJson(`${stories.url}/v1/completions`, {
      prompt: "Once",
      guided_regex: "[0-9]{3}-[a-z]{2}",
      seed: 5,
    });
    const r = (await regex.json()) as { choices: Array<{ text: string }> };
    expect(r.choices[0]?.text).toMatch(/^[0-9]{3}-[a-z]{2}$/);
    const so = await postJson(`${stories.url}/v1/completions`, {
      prompt: "Once",
      structured_outputs: { choice: ["yes", "no"] },
      seed: 2,
    });
    const t = (await so.json()) as { choices: Array<{ text: string }> };
    expect(["yes", "no"]).toContain(t.choices[0]?.text);
  }, 60_000);

  it("response_format structural_tag: vLLM's structures + triggers, xgrammar's format, structured_outputs", async () => {
    // Legacy form: free text, but every " the" the story writes must go on as an integer and ".".
    const legacy = {
      type: "structural_tag",
      structures: [{ begin: " the", schema: { type: "integer", minimum: 0 }, end: "." }],
      triggers: [" the"],
    };
    let triggered = 0;
    for (const seed of [1, 2, 3]) {
      const res = await postJson(`${stories.url}/v1/completions`, {
        prompt: "Once upon a time",
        response_format: legacy,
        max_tokens: 60,
        temperature: 1,
        seed,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { choices: Array<{ text: string; finish_reason: string }> };
      const { text, finish_reason } = body.choices[0] ?? { text: "", finish_reason: "" };
      const after = text.split(" the").slice(1);
      triggered += after.length;
      after.forEach((rest, i) => {
        const cut = finish_reason === "length" && i === after.length - 1;
        if (!cut) expect(rest, text).toMatch(/^(0|[1-9][0-9]*)\./);
      });
    }
    expect(triggered).toBeGreaterThan(0);
    // xgrammar's own form, here through structured_outputs.structural_tag (vLLM's: a JSON string).
    const format = {
      type: "sequence",
      elements: [
        { type: "const_string", value: "Pet: " },
        {
          type: "tag",
          begin: "<p>",
          content: { type: "json_schema", json_schema: { enum: ["cat", "dog"] } },
          end: "</p>",
        },
      ],
    };
    for (const extra of [
      { response_format: { type: "structural_tag", format } },
      { structured_outputs: { structural_tag: JSON.stringify({ type: "structural_tag", format }) } },
    ]) {
      const res = await postJson(`${stories.url}/v1/completions`, {
        prompt: "Once",
        seed: 4,
        max_tokens: 30,
        ...extra,
      });
      const body = (await res.json()) as { choices: Array<{ text: string }> };
      expect(body.choices[0]?.text).toMatch(/^Pet: <p>"(cat|dog)"<\/p>$/);
    }
  }, 60_000);

  it("answers 400 naming the field for a bad regex, a non-JSON schema, one xgrammar rejects, and response_format with guided_*", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ guided_regex: "a[(" }, "guided_regex"],
      [{ guided_json: "{nope" }, "guided_json"],
      [{ guided_json: { type: "frob" } }, "xgrammar could not compile"],
      [{ guided_choice: ["a"], response_format: { type: "json_object" } }, "response_format"],
      [{ response_format: { type: "yaml" } }, "response_format"],
      [{ structured_outputs: { regex: "a" }, guided_regex: "b" }, "structured_outputs"],
      [{ structured_outputs: { regex: "a[(" } }, "guided_regex"],
      [{ response_format: { type: "structural_tag", structures: [], triggers: ["<"] } }, "response_format"],
      [{ structured_outputs: { structural_tag: "{nope" } }, "guided_structural_tag"],
    ];
    for (const [extra, param] of cases) {
      const res = await postJson(`${stories.url}/v1/completions`, { prompt: "Once", ...extra });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(param);
    }
  });
});

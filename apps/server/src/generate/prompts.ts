import { readFile } from "node:fs/promises";
import { CliUsageError } from "./errors.js";

/** The prompts of one `pagoda generate` run, from `--prompt` or `--prompts-file` (JSONL). */
export async function readPrompts(prompt: string | undefined, file: string | undefined): Promise<string[]> {
  if ((prompt === undefined) === (file === undefined)) {
    throw new CliUsageError("cli.bad_argument", "give exactly one of --prompt TEXT or --prompts-file FILE");
  }
  if (prompt !== undefined) return [prompt];
  let text: string;
  try {
    text = await readFile(file as string, "utf8");
  } catch (cause) {
    throw new CliUsageError(
      "cli.bad_argument",
      `cannot read --prompts-file ${file}: ${(cause as Error).message}`,
    );
  }
  const prompts: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    prompts.push(parseLine(line, `${file}:${i + 1}`));
  });
  if (prompts.length === 0) throw new CliUsageError("cli.bad_argument", `${file} holds no prompts`);
  return prompts;
}

function parseLine(line: string, where: string): string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new CliUsageError("cli.bad_argument", `${where} is not JSON; expected {"prompt": "..."}`);
  }
  const prompt = (json as { prompt?: unknown } | null)?.prompt;
  if (typeof prompt !== "string") {
    throw new CliUsageError("cli.bad_argument", `${where} has no string "prompt" field`);
  }
  return prompt;
}

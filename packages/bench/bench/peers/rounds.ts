import { loadavg } from "node:os";
import type { PeerRunner, RunResult } from "./measure.js";
import { promptIds, type Scenario } from "./scenarios.js";

/** One timed run of one system, with the machine's load average just before it. */
export interface RoundRecord {
  readonly system: string;
  readonly round: number;
  /** 1-, 5- and 15-minute load averages before the run. */
  readonly loadAverage: readonly number[];
  readonly result: RunResult;
}

/** A system in the rotation; `skip` leaves it out of this scenario (reported as skipped). */
export interface Contender {
  readonly runner: PeerRunner;
  readonly skip: boolean;
}

/**
 * Runs `scenario` `rounds` times per system, alternating systems within each round (A, B, A, B…)
 * so slow drifts in the machine's load hit every system alike. Every round uses the same prompts.
 */
export async function runRounds(
  scenario: Scenario,
  contenders: readonly Contender[],
  rounds: number,
  prompts: number[][],
  log: (line: string) => void,
): Promise<RoundRecord[]> {
  const records: RoundRecord[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const { runner, skip } of contenders) {
      if (skip) continue;
      const loadAverage = loadavg().map((x) => Number(x.toFixed(2)));
      const result = await runner.run(scenario, prompts);
      records.push({ system: runner.name, round, loadAverage, result });
      log(
        `  ${scenario.id} round ${round + 1}/${rounds} ${runner.name}: ${result.tokPerS.toFixed(1)} tok/s ` +
          `(${result.numTokens} tokens in ${result.seconds.toFixed(2)} s, load ${loadAverage[0]})`,
      );
    }
  }
  return records;
}

/** A short unmeasured run per system, so JIT compilation and first-touch costs stay out of the figures. */
export async function warmUp(contenders: readonly Contender[], vocab: Parameters<typeof promptIds>[1]) {
  const s: Scenario = { id: "warm-up", kind: "decode", streams: 2, promptLen: 8, genLen: 4 };
  for (const { runner } of contenders) await runner.run(s, promptIds(s, vocab, 12345));
}

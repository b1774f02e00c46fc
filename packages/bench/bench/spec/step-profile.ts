import type { LLM } from "@pagoda/engine";

/** Where an engine's decode time went, summed over the steps of a run (milliseconds). */
export interface StepProfile {
  steps: number;
  /** Whole `engine.step` calls. */
  stepMs: number;
  /** The target executor's `execute` (forward pass, sampling, draft verification). */
  targetMs: number;
  /** The proposer's `propose`, of which `draftExecuteMs` in the draft model's executor. */
  proposeMs: number;
  draftExecuteMs: number;
  /** Draft executor calls (catch-up and one-token passes). */
  draftCalls: number;
}

type Timed = { execute?: (...a: never[]) => Promise<unknown>; propose?: (...a: never[]) => Promise<unknown> };

/**
 * Wraps `llm`'s step, its executor's `execute`, the proposer's `propose` and the draft
 * executor's `execute` with timers (a few microseconds a step); `take()` returns the totals since
 * the last call and resets them. What remains of a step (step − target − propose) is the
 * scheduler and the engine's own bookkeeping (detokenizing, stop checks, outputs, metrics).
 */
export function profileSteps(llm: LLM): { take(): StepProfile } {
  const zero = (): StepProfile => ({
    steps: 0,
    stepMs: 0,
    targetMs: 0,
    proposeMs: 0,
    draftExecuteMs: 0,
    draftCalls: 0,
  });
  let p = zero();
  const wrap = <T extends object>(o: T, name: keyof Timed & keyof T, add: (ms: number) => void) => {
    const f = (o as Record<string, (...a: unknown[]) => Promise<unknown>>)[name as string];
    if (f === undefined) return;
    const original = f.bind(o);
    (o as Record<string, unknown>)[name as string] = async (...a: unknown[]) => {
      const t0 = performance.now();
      try {
        return await original(...a);
      } finally {
        add(performance.now() - t0);
      }
    };
  };
  const engine = llm.engine as unknown as { step: () => Promise<unknown> };
  const step = engine.step.bind(engine);
  engine.step = async () => {
    const t0 = performance.now();
    try {
      return await step();
    } finally {
      p.stepMs += performance.now() - t0;
      p.steps++;
    }
  };
  wrap(llm.parts.executor, "execute", (ms) => {
    p.targetMs += ms;
  });
  const proposer = llm.proposer;
  if (proposer) {
    wrap(proposer, "propose", (ms) => {
      p.proposeMs += ms;
    });
    const draft = (proposer as unknown as { executor?: object }).executor;
    if (draft !== undefined && draft !== llm.parts.executor) {
      wrap(draft as Timed, "execute", (ms) => {
        p.draftExecuteMs += ms;
        p.draftCalls++;
      });
    }
  }
  return {
    take() {
      const r = p;
      p = zero();
      return r;
    },
  };
}

import type { ConfigFields } from "./config-fields.js";

/** llama3-style RoPE frequency scaling, the one `rope_scaling` kind Pagoda implements. */
export interface Llama3RopeScaling {
  readonly type: "llama3";
  readonly factor: number;
  readonly lowFreqFactor: number;
  readonly highFreqFactor: number;
  readonly originalMaxPositionEmbeddings: number;
}

/**
 * Reads `rope_theta` and `rope_scaling` (or the newer combined `rope_parameters`). `null`, an
 * absent value and `rope_type: "default"` mean no scaling; kinds other than llama3 throw
 * `config.unsupported_rope_scaling`.
 */
export function parseRope(fields: ConfigFields): { theta: number; scaling: Llama3RopeScaling | null } {
  const params = fields.json.rope_parameters;
  const nested = typeof params === "object" && params !== null && !Array.isArray(params);
  const raw = nested ? params : fields.json.rope_scaling;
  let theta = fields.positiveNumber("rope_theta", 10000);
  const nestedTheta = nested ? (params as Record<string, unknown>).rope_theta : undefined;
  if (nestedTheta !== undefined) {
    if (typeof nestedTheta !== "number" || !(nestedTheta > 0)) {
      fields.fail("invalid_field", "rope_parameters.rope_theta must be a positive number");
    }
    theta = nestedTheta;
  }
  if (raw === undefined || raw === null) return { theta, scaling: null };
  if (typeof raw !== "object" || Array.isArray(raw))
    fields.fail("invalid_field", "rope_scaling must be an object");
  const r = raw as Record<string, unknown>;
  const kind = r.rope_type ?? r.type ?? "default";
  if (kind === "default") return { theta, scaling: null };
  if (kind !== "llama3") {
    fields.fail(
      "unsupported_rope_scaling",
      `rope_scaling type ${JSON.stringify(kind)} is not supported (only "llama3" is)`,
      { ropeType: kind },
    );
  }
  const num = (key: string): number => {
    const v = r[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      fields.fail("invalid_field", `rope_scaling.${key} must be a positive number for llama3 scaling`, {
        field: `rope_scaling.${key}`,
      });
    }
    return v as number;
  };
  const scaling: Llama3RopeScaling = {
    type: "llama3",
    factor: num("factor"),
    lowFreqFactor: num("low_freq_factor"),
    highFreqFactor: num("high_freq_factor"),
    originalMaxPositionEmbeddings: num("original_max_position_embeddings"),
  };
  if (scaling.highFreqFactor <= scaling.lowFreqFactor) {
    fields.fail(
      "inconsistent",
      `rope_scaling.high_freq_factor (${scaling.highFreqFactor}) must exceed low_freq_factor (${scaling.lowFreqFactor})`,
    );
  }
  return { theta, scaling };
}

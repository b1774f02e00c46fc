/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it throws on any line
 * the format does not allow, on samples of undeclared families, on duplicate series and on
 * histograms whose buckets are not cumulative. (The npm parser used beside it drops the labels of
 * histogram samples, so it cannot check histograms with a `model_name` label.)
 */

export type FamilyType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: FamilyType;
  help: string | null;
  readonly samples: Sample[];
}

const METRIC = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = "[a-zA-Z_][a-zA-Z0-9_]*";
const LABEL_PAIR = `${LABEL}="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(
  `^(${METRIC})(?:\\{((?:${LABEL_PAIR}(?:,${LABEL_PAIR})*,?)?)\\})? (\\S+)(?: (-?\\d+))?$`,
);
const PAIR = new RegExp(`(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`, "g");
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Inf$|^NaN$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function fail(lineNo: number, line: string, why: string): never {
  throw new Error(`exposition line ${lineNo}: ${why}: ${JSON.stringify(line)}`);
}

function familyNameOf(name: string, families: Map<string, Family>): Family | undefined {
  const exact = families.get(name);
  if (exact && exact.type !== "histogram" && exact.type !== "summary") return exact;
  if (exact) return undefined; // a histogram's own name carries no samples
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const base = m?.[1] === undefined ? undefined : families.get(m[1]);
  if (base?.type === "histogram") return base;
  if (base?.type === "summary" && m?.[2] !== "bucket") return base;
  return undefined;
}

/** Parses and checks a whole exposition; families by name. */
export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const helps = new Map<string, string>();
  text
    .slice(0, -1)
    .split("\n")
    .forEach((line, i) => {
      const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (meta) {
        const [, kind, name = "", rest = ""] = meta;
        if (!new RegExp(`^${METRIC}$`).test(name)) fail(i + 1, line, "bad metric name");
        if (kind === "TYPE") {
          if (families.has(name)) fail(i + 1, line, "second TYPE for a family");
          if (!TYPES.has(rest)) fail(i + 1, line, "unknown type");
          families.set(name, { name, type: rest as FamilyType, help: helps.get(name) ?? null, samples: [] });
        } else {
          if (helps.has(name)) fail(i + 1, line, "second HELP for a family");
          helps.set(name, rest);
          const f = families.get(name);
          if (f) f.help = rest;
        }
        return;
      }
      if (line.startsWith("#") || line === "") return;
      const m = SAMPLE.exec(line);
      if (!m) fail(i + 1, line, "not a sample line");
      const [, name = "", labelText = "", valueText = ""] = m;
      if (!FLOAT.test(valueText)) fail(i + 1, line, "bad value");
      const labels: Record<string, string> = {};
      for (const [, k = "", v = ""] of labelText.matchAll(PAIR)) {
        if (k in labels) fail(i + 1, line, "repeated label");
        labels[k] = v.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
      }
      const family = familyNameOf(name, families);
      if (!family) fail(i + 1, line, "sample of an family without a TYPE line");
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) fail(i + 1, line, "duplicate series");
      seen.add(key);
      family.samples.push({ name, labels, value: Number(valueText.replace("Inf", "Infinity")) });
    });
  return families;
}

/** One histogram series: its buckets (checked cumulative, ending in +Inf = count), sum and count. */
export function histogramSeries(family: Family, labels: Readonly<Record<string, string>>) {
  const matches = (s: Sample) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  const of = (suffix: string) => family.samples.filter((s) => s.name === family.name + suffix && matches(s));
  const buckets = of("_bucket").map((s) => ({
    le: Number((s.labels.le ?? "").replace("Inf", "Infinity")),
    count: s.value,
  }));
  const [sum, count] = [of("_sum"), of("_count")];
  if (sum.length !== 1 || count.length !== 1) throw new Error(`${family.name}: not exactly one series`);
  const total = count[0]?.value ?? Number.NaN;
  buckets.forEach((b, k) => {
    const prev = buckets[k - 1];
    if (prev && !(b.le > prev.le && b.count >= prev.count))
      throw new Error(`${family.name}: buckets out of order`);
  });
  const last = buckets[buckets.length - 1];
  if (last?.le !== Number.POSITIVE_INFINITY || last.count !== total) {
    throw new Error(`${family.name}: the +Inf bucket must hold every observation`);
  }
  return { buckets, sum: sum[0]?.value ?? Number.NaN, count: total };
}

import { type Chart, PALETTE } from "./chart.js";

const W = 640;
const H = 360;
const M = { left: 64, right: 16, top: 36, bottom: 64 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * A standalone SVG line chart (axes, ticks, markers, legend) with no dependencies, for READMEs
 * and anywhere a script cannot run.
 */
export function renderSvg(chart: Chart): string {
  const xs = chart.logX ? chart.x.map(Math.log2) : chart.x;
  const all = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMax = Math.max(...all, 0) * 1.08 || 1;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const px = (x: number) => M.left + ((x - xMin) / (xMax - xMin || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - (y / yMax) * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(chart.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  for (const t of niceTicks(0, yMax)) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`,
    );
  }
  chart.x.forEach((x, i) => {
    const X = px(xs[i] ?? 0).toFixed(1);
    parts.push(`<text x="${X}" y="${H - M.bottom + 16}" text-anchor="middle">${x}</text>`);
  });
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#111"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#111"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - M.bottom + 34}" text-anchor="middle">${esc(chart.xLabel)}</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(chart.yLabel)}</text>`,
  );
  chart.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const pts = s.values
      .map((v, i) => (v === null ? null : `${px(xs[i] ?? 0).toFixed(1)},${py(v).toFixed(1)}`))
      .filter((p): p is string => p !== null);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(" ")}"/>`);
    for (const p of pts) {
      const [cx, cy] = p.split(",");
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
    }
    const lx = M.left + 8 + k * 170;
    parts.push(
      `<rect x="${lx}" y="${H - 18}" width="12" height="3" fill="${color}"/>`,
      `<text x="${lx + 16}" y="${H - 13}">${esc(s.label)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

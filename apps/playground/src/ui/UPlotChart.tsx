import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** One line of a chart: its label and colour. */
export interface ChartLine {
  label: string;
  stroke: string;
  dash?: number[];
}

/** A uPlot line chart over time (seconds), resized with its container, redrawn when `version` changes. */
export function UPlotChart(props: {
  title: string;
  unit: string;
  lines: ChartLine[];
  data: uPlot.AlignedData;
  version: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { title, unit, lines } = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      title,
      width: Math.max(200, el.clientWidth),
      height: 150,
      scales: { x: { time: false } },
      axes: [{ label: "s since server start" }, { label: unit, size: 50 }],
      series: [
        { label: "t (s)" },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.stroke,
          width: 1.5,
          dash: l.dash,
          points: { show: false },
        })),
      ],
      legend: { live: false },
    };
    const u = new uPlot(opts, [[], ...lines.map(() => [])], el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: 150 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [title, unit, lines]);

  useEffect(() => {
    plot.current?.setData(props.data.map((a) => (a as unknown[]).slice()) as uPlot.AlignedData);
  }, [props.version]);

  return <div class="chart" ref={box} />;
}

import { useEffect, useRef, useState } from "preact/hooks";
import { type FeedStatus, openEngineFeed } from "../api/engine-feed.js";
import type { EngineSnapshotEvent } from "../api/snapshot.js";
import { MetricSeriesWindow } from "../charts/metric-series.js";
import { StepHistory } from "../charts/step-history.js";

/** The live engine state the panels draw. */
export interface EngineFeed {
  snapshot: EngineSnapshotEvent | null;
  status: FeedStatus;
  detail: string | null;
  series: MetricSeriesWindow;
  steps: StepHistory;
  /** Increases with every snapshot, so charts know when to redraw. */
  version: number;
}

/** Keeps the latest snapshot of the engine feed and the histories built from all of them. */
export function useEngineFeed(url: string): EngineFeed {
  const series = useRef(new MetricSeriesWindow()).current;
  const steps = useRef(new StepHistory()).current;
  const [state, setState] = useState({
    snapshot: null as EngineSnapshotEvent | null,
    status: "connecting" as FeedStatus,
    detail: null as string | null,
    version: 0,
  });
  useEffect(
    () =>
      openEngineFeed(url, {
        onSnapshot(snapshot) {
          series.push(snapshot);
          steps.push(snapshot);
          setState((s) => ({ ...s, snapshot, status: "live", detail: null, version: s.version + 1 }));
        },
        onStatus(status, detail) {
          setState((s) => ({ ...s, status, detail: detail ?? null }));
        },
      }),
    [url, series, steps],
  );
  return { ...state, series, steps };
}

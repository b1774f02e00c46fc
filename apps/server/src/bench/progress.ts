import { SingleBar } from "cli-progress";

/** A progress bar on stderr (drawn only on a terminal); `done` stops it. */
export function progressBar(label: string, total: number): { update(n: number): void; done(): void } {
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {value}/{total} requests | {duration}s`,
    hideCursor: true,
  });
  bar.start(total, 0);
  return {
    update: (n) => bar.update(Math.min(n, total)),
    done: () => {
      bar.update(total);
      bar.stop();
    },
  };
}

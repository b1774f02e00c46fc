import type { CliIo } from "../program.js";

/** A {@link CliIo} that keeps what a command printed, for tests to read. */
export interface CapturedIo extends CliIo {
  outText: string;
  errText: string;
}

/** A fresh {@link CapturedIo}: `run(argv, io)` then read `io.outText` / `io.errText`. */
export function captureIo(): CapturedIo {
  const io: CapturedIo = {
    outText: "",
    errText: "",
    out: (s) => {
      io.outText += s;
    },
    err: (s) => {
      io.errText += s;
    },
  };
  return io;
}

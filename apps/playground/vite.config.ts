import { defineConfig } from "vite";

// `pagoda serve` serves the build under /playground/, so every asset URL is relative to that
// base. In `vite dev`, API calls go to a running server (PAGODA_URL, default :8000).
const api = process.env.PAGODA_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/playground/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true },
  server: { proxy: { "/v1": api, "/health": api, "/metrics": api } },
});

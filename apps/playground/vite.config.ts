import { defineConfig } from "vite";

// Served by `pagoda serve` under /playground/, so every asset URL is relative to that base.
export default defineConfig({
  base: "/playground/",
  build: { outDir: "dist", emptyOutDir: true },
});

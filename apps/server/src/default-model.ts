import { fileURLToPath } from "node:url";

/**
 * The model `pagoda generate` uses without `--model`: `PAGODA_MODEL`, else the stories260K test
 * model in `shared/` beside the repository checkout (this file is apps/server/dist/ once built).
 */
export function defaultModel(env: NodeJS.ProcessEnv = process.env): string {
  return env.PAGODA_MODEL || fileURLToPath(new URL("../../../../shared/models/stories260K", import.meta.url));
}

import { pagodaVitestConfig } from "@pagoda/vitest-config";

export default pagodaVitestConfig();

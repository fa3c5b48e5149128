// The live Docker backend behind pulumi.runtime.setMocks (backend.ts) with its update model
// (update/), what a run leaves behind (leftovers.ts), and the suite hooks around it (hooks.ts).
export { createLiveBackend } from "./backend";
export { createAsEngine } from "./dynamic";
export type { EngineCreate } from "./dynamic";
export { requireDocker, teardownAndVerify } from "./hooks";
export { assertNothingLeft, clearStale, listLeftovers, removeLeftovers } from "./leftovers";
export type { Created, LiveBackend, LiveBackendOptions } from "./types";
export { onRegistration } from "./update/request";
export type { Registration, UpdateStep } from "./update/types";

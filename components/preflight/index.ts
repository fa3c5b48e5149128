// The preflight: what only the deployment can check, before anything exists. Re-exports only.
export { Preflight } from "./resource";
export { preflightProvider } from "./provider";
export type * from "./types";

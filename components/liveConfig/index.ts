// Live configuration: settings and passwords changed on the running group. Re-exports only.
export { LiveConfig, NodeBoot, PasswordCommit } from "./resource";
export { liveConfigProvider, nodeBootProvider, passwordCommitProvider } from "./provider";
export type * from "./types";

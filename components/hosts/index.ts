// The resources each Docker host of a group gets beside its Docker provider. Re-exports only.
export { HostPresence, HostTeardown } from "./resource";
export { hostPresenceProvider, hostTeardownProvider } from "./provider";
export type * from "./types";

// The rollout: node-by-node replacement of a group's data nodes. Re-exports only.
export { NodeHandover, NodeRejoin, SentinelRejoin } from "./resource";
export { nodeHandoverProvider, nodeRejoinProvider, sentinelRejoinProvider } from "./provider";
export { readSentinels, rolloutOrder } from "./current";
export { chainOf, readExistingNodes } from "./existing";
export type { SentinelView } from "./current";
export type * from "./types";

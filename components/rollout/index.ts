// The rollout: node-by-node replacement of a group's data nodes. Re-exports only.
export { NodeHandover, NodeRejoin } from "./resource";
export { nodeHandoverProvider, nodeRejoinProvider } from "./provider";
export type * from "./types";

// The replication check: a dynamic resource that proves, during `pulumi up`, that a master and
// its replicas (and sentinels) replicate. Re-exports only.
export { ReplicationCheck } from "./resource";
export { replicationCheckProvider } from "./provider";
export { inputsChanged, validateInputs } from "./inputs";
export { verifyReadOnly } from "./judge";
export { parseEndpoint, parseInfo } from "../redisOps/parse";
export type {
    Fact,
    ReplicaStatus,
    ReplicaTarget,
    ReplicationCheckArgs,
    ReplicationCheckInputs,
    ReplicationCheckOutputs,
    ReplicationCheckResult,
    SentinelCheck,
    SentinelCheckArgs,
    SentinelStatus,
    SentinelTarget,
} from "./types";

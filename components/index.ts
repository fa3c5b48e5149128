export * from "./replicationGroup";
export * from "./replicationCheck";
export * from "./redisConf";
export * from "./rollout";
export { containerName, LABEL_KEYS, REDIS_UID } from "./nodes";

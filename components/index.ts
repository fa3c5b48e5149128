export * from "./replicationGroup";
export * from "./args";
export * from "./outputs";
export { argsOfStack } from "./spec";
export * from "./replicationCheck";
export * from "./redisConf";
export * from "./rollout";
export { LABEL_KEYS, REDIS_UID } from "./naming";
export { containerName } from "./addresses";

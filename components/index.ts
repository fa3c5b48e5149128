export * from "./replicationGroup";
export * from "./replicationCheck";
export * from "./redisConf";

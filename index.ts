// The program: one replication group from this stack's config. See docs/configuration.md for the keys.
import { argsOfStack, RedisReplicationGroup } from "./components";
import { loadStackConfig } from "./config/stack";

const { spec, plan, password } = loadStackConfig();
const redis = new RedisReplicationGroup(plan.name, { ...argsOfStack(spec), password });

export const masterEndpoint = redis.masterEndpoint;
export const replicaEndpoints = redis.replicaEndpoints;
export const masterContainerName = redis.masterContainerName;
export const replicaContainerNames = redis.replicaContainerNames;
export const networkName = redis.networkName;
export const subnet = redis.subnet;
export const masterUrl = redis.masterUrl;
export const replicaUrls = redis.replicaUrls;
export const connection = redis.connection;
export const adminPassword = redis.adminPassword;
export const replication = redis.replication;
export const sentinelEndpoints = redis.sentinelEndpoints;
export const sentinelClient = redis.sentinelClient;
export const backup = redis.backup;
export const metrics = redis.metrics;

// What a group gets for each setting left out, and the limits a setting must stay within.
import { Cidr, parseCidr } from "./ipv4";
import { PersistencePlan, ReplicationPlan } from "./types";

export const DEFAULT_NAME = "redis";
export const DEFAULT_SUBNET = "10.89.0.0/24";
/** Published on loopback only, unless asked: the nodes hold data and, with auth off, no password. */
export const DEFAULT_HOST_IP = "127.0.0.1";
export const DEFAULT_AUTH = true;
export const DEFAULT_BASE_IMAGE = "redis:7.2.5-alpine";
export const DEFAULT_MASTER_HOST_PORT = 6380;
export const DEFAULT_REPLICA_COUNT = 2;
export const DEFAULT_SENTINEL_COUNT = 3;
/** Sentinel i's default host port is master.hostPort + this + i - 1. */
export const SENTINEL_PORT_OFFSET = 20000;
/**
 * Linux's default ephemeral port range (net.ipv4.ip_local_port_range): the kernel picks the local
 * port of each outgoing connection from it, so a host port in it may be held by a client when a
 * container is to publish it. From master.hostPort 12768 up, the default sentinel ports fall in it.
 */
export const LINUX_EPHEMERAL_PORTS = { first: 32768, last: 60999 } as const;
export const DEFAULT_RESTART = "unless-stopped";
export const DEFAULT_MAXMEMORY_POLICY = "noeviction";
export const DEFAULT_CHECK_TIMEOUT_SECONDS = 60;
export const DEFAULT_CHECK_POLL_INTERVAL_MS = 10;

export const DEFAULT_PERSISTENCE: Readonly<Pick<PersistencePlan, "appendonly" | "volume" | "retain">> = {
    appendonly: true,
    volume: "named",
    retain: false,
};
export const DEFAULT_REPLICATION: Readonly<ReplicationPlan> = {
    minReplicasToWrite: 0,
    minReplicasMaxLag: 10,
    // Diskless sync can hold a new replica's first sync back by 1 s (measured in bench/).
    disklessSync: false,
    // Redis's own 5 s would delay every first diskless sync by 5 s.
    disklessSyncDelay: 0,
};
// down-after 5 s: with 1 s, in a rollout's Docker churn, a sentinel judged the master it had just
// promoted down (its fresh link answered after 1.2 s) and failed over again (docker tier).
export const DEFAULT_SENTINEL_TIMINGS = { downAfterMilliseconds: 5000, failoverTimeout: 10_000, parallelSyncs: 1 } as const;

/** Docker's default bridge; a group network overlapping it cannot be created. */
export const DOCKER0 = parseCidr("172.17.0.0/16") as Cidr;
/** Docker's own rule for container, network and volume names. */
export const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
export const MAX_NAME_LENGTH = 48;
export const MAX_REPLICAS = 32;
export const MAX_SENTINELS = 9;
export const MAXMEMORY_POLICIES = [
    "noeviction",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
];
export const RESTART_POLICIES = ["no", "on-failure", "always", "unless-stopped"];
export const VERIFY_MODES = ["changes", "always"] as const;
export const DEFAULT_VERIFY = "changes";

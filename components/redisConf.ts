// Pure rendering of each node's redis.conf. Replication is set up here, by configuration,
// so a restarted or replaced container comes back into the group on its own.
import { GroupPlan, NodePlan } from "../config";

/** Where the image expects its config; the container's upload writes it before start. */
export const REDIS_CONF_PATH = "/usr/local/etc/redis/redis.conf";
export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
/** An ACL user that can only PING, so the image's healthcheck needs no real password. */
export const HEALTHCHECK_USER = "healthcheck";
export const HEALTHCHECK_TEST = [
    "CMD",
    "redis-cli",
    "-e",
    "--no-auth-warning",
    "--user",
    HEALTHCHECK_USER,
    "--pass",
    HEALTHCHECK_USER,
    "ping",
];
/** The same healthcheck, on a sentinel's port. */
export const SENTINEL_HEALTHCHECK_TEST = [...HEALTHCHECK_TEST.slice(0, 2), "-p", String(SENTINEL_PORT), ...HEALTHCHECK_TEST.slice(2)];

/**
 * The redis.conf of one node. `password` is undefined only when plan.auth is false. `replicaOf`,
 * the ip:port of the master to follow ("" for none), defaults to the plan's: the master follows none.
 */
export function renderRedisConf(node: NodePlan, plan: GroupPlan, password: string | undefined, replicaOf?: string): string {
    if (plan.auth && !password) throw new Error(`${plan.name}-${node.key}: auth is on but no password was given`);
    const lines: string[] = [
        `# ${plan.name}-${node.key} (${node.role}), rendered by RedisReplicationGroup: pulumi up rewrites this file.`,
        "# Listen on the container's interfaces; the host reaches it only through the published port.",
        "bind 0.0.0.0",
        `port ${REDIS_PORT}`,
        "dir /data",
        `user ${HEALTHCHECK_USER} on nopass -@all +ping`,
    ];
    if (plan.auth) {
        lines.push(
            "# Protected mode stays on: it is the password that lets other containers in.",
            "protected-mode yes",
            `requirepass ${password}`,
            "# Every node can follow a master, so every node carries masterauth.",
            `masterauth ${password}`,
        );
    } else {
        lines.push("# group.auth is false: without a password, protected mode would refuse the replicas.", "protected-mode no");
    }
    // A directive also in redisConfig is written once, with redisConfig's value, at the end.
    const setting = (directive: string, value: string | number) => {
        if (plan.redisConfig[directive] === undefined) lines.push(`${directive} ${value}`);
    };
    setting("appendonly", plan.persistence.appendonly ? "yes" : "no");
    setting("appendfsync", "everysec");
    if (plan.persistence.save !== undefined) {
        setting("save", plan.persistence.save.length === 0 ? '""' : plan.persistence.save.join(" "));
    }
    // Disk-based sync by default: with diskless sync, Redis 7.0 can hold a new replica's stream
    // back until its next once-a-second ACK (measured in bench/: a 1 s stall in most deploys).
    setting("repl-diskless-sync", plan.replication.disklessSync ? "yes" : "no");
    // Redis's default of 5 s holds every first diskless sync back by 5 s.
    setting("repl-diskless-sync-delay", plan.replication.disklessSyncDelay);
    setting("maxmemory-policy", plan.maxmemoryPolicy);
    if (plan.maxmemory !== undefined) setting("maxmemory", plan.maxmemory);
    if (plan.replication.minReplicasToWrite > 0) {
        setting("min-replicas-to-write", plan.replication.minReplicasToWrite);
        setting("min-replicas-max-lag", plan.replication.minReplicasMaxLag);
    }
    const follows = replicaOf ?? (node.role === "replica" ? `${plan.master.ip}:${REDIS_PORT}` : "");
    if (follows !== "") lines.push(`replicaof ${follows.replace(/:(\d+)$/, " $1")}`, "replica-read-only yes");
    for (const [directive, value] of Object.entries(plan.redisConfig)) lines.push(`${directive} ${value}`);
    return lines.join("\n") + "\n";
}

/** Sentinel rewrites its own config, so it lives in the writable /data, owned by redis. */
export const SENTINEL_CONF_PATH = "/data/sentinel.conf";

/**
 * The sentinel.conf of one sentinel. Sentinels use the group's password for the nodes and each
 * other. `monitor`, the ip:port of the master to monitor, defaults to the plan's master: after a
 * failover, a new sentinel must start from the master as it is.
 */
export function renderSentinelConf(node: NodePlan, plan: GroupPlan, password: string | undefined, monitor?: string): string {
    const sentinel = plan.sentinel;
    if (!sentinel) throw new Error(`${plan.name}: renderSentinelConf needs group.sentinel`);
    if (plan.auth && !password) throw new Error(`${plan.name}-${node.key}: auth is on but no password was given`);
    const name = sentinel.masterName;
    const lines = [
        `# ${plan.name}-${node.key} (sentinel), rendered by RedisReplicationGroup. Sentinel rewrites this file as it learns the group.`,
        "bind 0.0.0.0",
        `port ${SENTINEL_PORT}`,
        "dir /data",
        `user ${HEALTHCHECK_USER} on nopass -@all +ping`,
        // Containers keep their IPs, so sentinels and nodes are announced by IP; no hostnames.
        "sentinel resolve-hostnames no",
    ];
    if (plan.auth) {
        // requirepass also makes each sentinel authenticate to the others with it.
        lines.push("protected-mode yes", `requirepass ${password}`);
    } else {
        lines.push("protected-mode no");
    }
    const [ip, port] = (monitor ?? `${plan.master.ip}:${REDIS_PORT}`).split(":");
    lines.push(`sentinel monitor ${name} ${ip} ${port} ${sentinel.quorum}`);
    if (plan.auth) lines.push(`sentinel auth-pass ${name} ${password}`);
    lines.push(
        `sentinel down-after-milliseconds ${name} ${sentinel.downAfterMilliseconds}`,
        `sentinel failover-timeout ${name} ${sentinel.failoverTimeout}`,
        `sentinel parallel-syncs ${name} ${sentinel.parallelSyncs}`,
    );
    return lines.join("\n") + "\n";
}

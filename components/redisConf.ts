// Pure rendering of each node's redis.conf. Replication is set up here, by configuration,
// so a restarted or replaced container comes back into the group on its own.
import { GroupConfig, NodePlan } from "../config";

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

/** The redis.conf of one node. `password` is undefined only when group.auth is false. */
export function renderRedisConf(node: NodePlan, group: GroupConfig, password: string | undefined): string {
    if (group.auth && !password) throw new Error(`${group.name}-${node.key}: auth is on but no password was given`);
    const lines: string[] = [
        `# ${group.name}-${node.key} (${node.role}), rendered by RedisReplicationGroup: pulumi up rewrites this file.`,
        "# Listen on the container's interfaces; the host reaches it only through the published port.",
        "bind 0.0.0.0",
        `port ${REDIS_PORT}`,
        "dir /data",
        `user ${HEALTHCHECK_USER} on nopass -@all +ping`,
    ];
    if (group.auth) {
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
        if (group.redisConfig[directive] === undefined) lines.push(`${directive} ${value}`);
    };
    setting("appendonly", group.persistence.appendonly ? "yes" : "no");
    setting("appendfsync", "everysec");
    if (group.persistence.save !== undefined) {
        setting("save", group.persistence.save.length === 0 ? '""' : group.persistence.save.join(" "));
    }
    // Disk-based sync by default: with diskless sync, Redis 7.0 can hold a new replica's stream
    // back until its next once-a-second ACK (measured in bench/: a 1 s stall in most deploys).
    setting("repl-diskless-sync", group.replication.disklessSync ? "yes" : "no");
    // Redis's default of 5 s holds every first diskless sync back by 5 s.
    setting("repl-diskless-sync-delay", group.replication.disklessSyncDelay);
    setting("maxmemory-policy", group.maxmemoryPolicy);
    if (group.maxmemory !== undefined) setting("maxmemory", group.maxmemory);
    if (group.replication.minReplicasToWrite > 0) {
        setting("min-replicas-to-write", group.replication.minReplicasToWrite);
        setting("min-replicas-max-lag", group.replication.minReplicasMaxLag);
    }
    if (node.role === "replica") {
        lines.push(`replicaof ${group.master.ip} ${REDIS_PORT}`, "replica-read-only yes");
    }
    for (const [directive, value] of Object.entries(group.redisConfig)) lines.push(`${directive} ${value}`);
    return lines.join("\n") + "\n";
}

/** Sentinel rewrites its own config, so it lives in the writable /data, owned by redis. */
export const SENTINEL_CONF_PATH = "/data/sentinel.conf";

/** The sentinel.conf of one sentinel. Sentinels use the group's password for the nodes and each other. */
export function renderSentinelConf(node: NodePlan, group: GroupConfig, password: string | undefined): string {
    const sentinel = group.sentinel;
    if (!sentinel) throw new Error(`${group.name}: renderSentinelConf needs group.sentinel`);
    if (group.auth && !password) throw new Error(`${group.name}-${node.key}: auth is on but no password was given`);
    const name = sentinel.masterName;
    const lines = [
        `# ${group.name}-${node.key} (sentinel), rendered by RedisReplicationGroup. Sentinel rewrites this file as it learns the group.`,
        "bind 0.0.0.0",
        `port ${SENTINEL_PORT}`,
        "dir /data",
        `user ${HEALTHCHECK_USER} on nopass -@all +ping`,
        // Containers keep their IPs, so sentinels and nodes are announced by IP; no hostnames.
        "sentinel resolve-hostnames no",
    ];
    if (group.auth) {
        // requirepass also makes each sentinel authenticate to the others with it.
        lines.push("protected-mode yes", `requirepass ${password}`);
    } else {
        lines.push("protected-mode no");
    }
    lines.push(`sentinel monitor ${name} ${group.master.ip} ${REDIS_PORT} ${sentinel.quorum}`);
    if (group.auth) lines.push(`sentinel auth-pass ${name} ${password}`);
    lines.push(
        `sentinel down-after-milliseconds ${name} ${sentinel.downAfterMilliseconds}`,
        `sentinel failover-timeout ${name} ${sentinel.failoverTimeout}`,
        `sentinel parallel-syncs ${name} ${sentinel.parallelSyncs}`,
    );
    return lines.join("\n") + "\n";
}

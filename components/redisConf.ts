// Pure rendering of each node's redis.conf. Replication is set up here, by configuration,
// so a restarted or replaced container comes back into the group on its own.
import { GroupPlan, NodePlan, splitSettings } from "../config";

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
 * `live`, the settings a running node takes with CONFIG SET, defaults to the plan's; a node
 * created earlier keeps the live settings it was created with (see components/boot.ts).
 */
export function renderRedisConf(
    node: NodePlan,
    plan: GroupPlan,
    password: string | undefined,
    replicaOf?: string,
    live?: Record<string, string>,
): string {
    if (plan.auth && !password) throw new Error(`${plan.name}-${node.key}: auth is on but no password was given`);
    const lines: string[] = [
        `# ${plan.name}-${node.key} (${node.role}), rendered by RedisReplicationGroup. Redis and pulumi up rewrite it (CONFIG REWRITE).`,
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
    const split = splitSettings(plan);
    const restart = Object.entries(split.restart);
    if (restart.length > 0) lines.push("# Read only at start: a change replaces the node.", ...restart.map(directiveLine));
    lines.push(
        "# Changed on the running node by pulumi up (CONFIG SET, then CONFIG REWRITE).",
        ...Object.entries(live ?? split.live).map(directiveLine),
    );
    const follows = replicaOf ?? (node.role === "replica" ? `${plan.master.ip}:${REDIS_PORT}` : "");
    if (follows !== "") lines.push(`replicaof ${follows.replace(/:(\d+)$/, " $1")}`, "replica-read-only yes");
    return lines.join("\n") + "\n";
}

/** A directive as redis.conf writes it: an empty value is `""`. */
function directiveLine([directive, value]: [string, string]): string {
    return `${directive} ${value === "" ? '""' : value}`;
}

/**
 * A sentinel's own password, as the rotation can change it while it runs: the default user's
 * password (ACL SETUSER changes it; requirepass could not be changed, as Sentinel has no CONFIG)
 * and sentinel-pass, what it sends to the other sentinels (else it would send requirepass).
 */
export function sentinelAuthLines(password: string): string[] {
    return [`user default on >${password} ~* &* +@all`, `sentinel sentinel-pass ${password}`];
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
    // Sentinel turns protected mode off itself: it must be reachable. Its password guards it.
    if (plan.auth) lines.push(...sentinelAuthLines(password!));
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

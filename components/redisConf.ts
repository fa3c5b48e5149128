// Pure rendering of each node's redis.conf. Replication is set up here, by configuration,
// so a restarted or replaced container comes back into the group on its own.
import { GroupPlan, NodePlan, splitSettings } from "../config";
import {
    ADMIN_USER,
    adminUser,
    defaultUserRules,
    GroupCredentials,
    HEALTHCHECK_USER,
    HEALTHCHECK_USER_LINE,
    REPLICATION_USER,
    SENTINEL_USER,
    userLines,
} from "./acl";
import { hostOf, peerText, PLAINTEXT_PORT, REDIS_PORT, replicationPort, SENTINEL_PORT } from "./addresses";
import { TLS_FILES } from "./tlsFiles";

export { PLAINTEXT_PORT, REDIS_PORT, replicationPort, SENTINEL_PORT, TLS_FILES };

/** Where the image expects its config; the container's upload writes it before start. */
export const REDIS_CONF_PATH = "/usr/local/etc/redis/redis.conf";
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

/** A node's healthcheck (`test`, a data node's or a sentinel's): over TLS, with the node's own certificate, when the group has TLS. */
export function healthcheckFor(plan: GroupPlan, test: string[]): string[] {
    if (!plan.tls) return test;
    return [...test.slice(0, 2), "--tls", "--cacert", TLS_FILES.ca, "--cert", TLS_FILES.cert, "--key", TLS_FILES.key, ...test.slice(2)];
}

/**
 * The listening lines: `port` alone, or with TLS, TLS on that port and a plaintext port on the
 * group's network only when asked for (or when replicas follow in plaintext), the node's
 * certificate also presented when it logs in to another node or sentinel.
 */
function listenLines(plan: GroupPlan, port: number, role: NodePlan["role"]): string[] {
    if (!plan.tls) return [`port ${port}`];
    const plain = role !== "sentinel" && (plan.tls.plaintextPort || !plan.tls.replication);
    return [
        plain
            ? `# TLS on the node's port; plaintext on ${PLAINTEXT_PORT}, on the group's network only (it is not published).`
            : "# TLS on the node's port, and no plaintext port.",
        `port ${plain ? PLAINTEXT_PORT : 0}`,
        `tls-port ${port}`,
        `tls-cert-file ${TLS_FILES.cert}`,
        `tls-key-file ${TLS_FILES.key}`,
        `tls-ca-cert-file ${TLS_FILES.ca}`,
        `tls-auth-clients ${plan.tls.authClients ? "yes" : "no"}`,
        `tls-replication ${plan.tls.replication ? "yes" : "no"}`,
    ];
}

/**
 * Across hosts, what a node announces: its host's address and published port, which every other
 * host reaches (the container's own address and port reach nothing beyond its host).
 */
function announceLines(plan: GroupPlan, node: NodePlan): string[] {
    const host = hostOf(plan, node);
    if (!host) return [];
    const [ip, port] =
        node.role === "sentinel" ? ["sentinel announce-ip", "sentinel announce-port"] : ["replica-announce-ip", "replica-announce-port"];
    return [
        `# Announced to the other hosts: host "${host.name}"'s address and the published port.`,
        `${ip} ${host.address}`,
        `${port} ${node.hostPort}`,
    ];
}

/** What a node's config holds that no one else may see: the group's password and its own users' passwords. */
export interface NodeSecrets {
    /** The application user's password; undefined only when plan.auth is false. */
    password: string | undefined;
    creds: GroupCredentials;
}

/** What a node's config may take from elsewhere than the plan. */
export interface RenderOptions {
    /** ip:port of the master to follow, "" for none. Default the plan's: the master follows none. */
    replicaOf?: string;
    /** The settings a running node takes with CONFIG SET. Default the plan's. */
    live?: Record<string, string>;
    /** The application user's command rules. Default the plan's. */
    defaultRules?: string;
    /** The configured users' full rules (password hashed), by name. Default none. */
    users?: Record<string, string>;
}

/**
 * The redis.conf of one node, with its ACL users (components/acl.ts). A node created earlier keeps
 * the live settings and application rules it was created with (see components/boot.ts): LiveConfig
 * changes them on the running node.
 */
export function renderRedisConf(node: NodePlan, plan: GroupPlan, secrets: NodeSecrets, opts: RenderOptions = {}): string {
    const { replicaOf, live } = opts;
    const { password, creds } = secrets;
    if (plan.auth && !password) throw new Error(`${plan.name}-${node.key}: auth is on but no password was given`);
    const lines: string[] = [
        `# ${plan.name}-${node.key} (${node.role}), rendered by RedisReplicationGroup. Redis and pulumi up rewrite it (CONFIG REWRITE).`,
        "# Listen on the container's interfaces; the host reaches it only through the published port.",
        "bind 0.0.0.0",
        ...listenLines(plan, REDIS_PORT, node.role),
        "dir /data",
        "# Clients log in as default; the group itself as admin, replication and sentinel.",
        ...userLines(plan.auth ? password : undefined, opts.defaultRules ?? defaultUserRules(plan), creds),
        ...Object.entries(opts.users ?? {}).map(([name, rules]) => `user ${name} ${rules}`),
        plan.auth
            ? "# Protected mode stays on: it is the password that lets other containers in."
            : "# group.auth is false: without a password, protected mode would refuse the replicas.",
        `protected-mode ${plan.auth ? "yes" : "no"}`,
        "# Every node can follow a master, so every node carries the replication user.",
        `masteruser ${REPLICATION_USER}`,
        `masterauth ${creds.replication}`,
        ...announceLines(plan, node),
    ];
    const split = splitSettings(plan);
    const restart = Object.entries(split.restart);
    if (restart.length > 0) lines.push("# Read only at start: a change replaces the node.", ...restart.map(directiveLine));
    lines.push(
        "# Changed on the running node by pulumi up (CONFIG SET, then CONFIG REWRITE).",
        ...Object.entries(live ?? split.live).map(directiveLine),
    );
    const follows = replicaOf ?? (node.role === "replica" ? peerText(plan, plan.master) : "");
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
 * The sentinel.conf of one sentinel. Sentinels log in to the nodes as the sentinel user, and to
 * each other with the group's password, which clients use too. `monitor`, the ip:port of the
 * master to monitor, defaults to the plan's master: after a failover, a new sentinel must start
 * from the master as it is.
 */
export function renderSentinelConf(
    node: NodePlan,
    plan: GroupPlan,
    secrets: NodeSecrets,
    monitor?: string,
    users: Record<string, string> = {},
): string {
    const sentinel = plan.sentinel;
    const { password, creds } = secrets;
    if (!sentinel) throw new Error(`${plan.name}: renderSentinelConf needs group.sentinel`);
    if (plan.auth && !password) throw new Error(`${plan.name}-${node.key}: auth is on but no password was given`);
    const name = sentinel.masterName;
    const lines = [
        `# ${plan.name}-${node.key} (sentinel), rendered by RedisReplicationGroup. Sentinel rewrites this file as it learns the group.`,
        "bind 0.0.0.0",
        ...listenLines(plan, SENTINEL_PORT, node.role),
        "dir /data",
        HEALTHCHECK_USER_LINE,
        "# The check, the live configuration and the rollout log in as admin, as on the data nodes.",
        `user ${ADMIN_USER} ${adminUser(creds)}`,
        ...Object.entries(users).map(([user, rules]) => `user ${user} ${rules}`),
        // Containers keep their IPs, so sentinels and nodes are announced by IP; no hostnames.
        "sentinel resolve-hostnames no",
        ...announceLines(plan, node),
    ];
    // Sentinel turns protected mode off itself: it must be reachable. Its password guards it.
    if (plan.auth) lines.push(...sentinelAuthLines(password!));
    const [ip, port] = (monitor ?? peerText(plan, plan.master)).split(":");
    lines.push(`sentinel monitor ${name} ${ip} ${port} ${sentinel.quorum}`);
    lines.push(`sentinel auth-user ${name} ${SENTINEL_USER}`, `sentinel auth-pass ${name} ${creds.sentinel}`);
    lines.push(
        `sentinel down-after-milliseconds ${name} ${sentinel.downAfterMilliseconds}`,
        `sentinel failover-timeout ${name} ${sentinel.failoverTimeout}`,
        `sentinel parallel-syncs ${name} ${sentinel.parallelSyncs}`,
    );
    return lines.join("\n") + "\n";
}

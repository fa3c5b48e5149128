// Validation and defaulting of a replication group's settings: a pure function from
// whatever the stack config (or a calling program) holds to a complete, checked plan.
// Every problem is reported at once, each with its property path.
import * as pulumi from "@pulumi/pulumi";
import { Cidr, cidrContains, cidrsOverlap, formatCidr, intToIp, ipToInt, parseCidr } from "./ipv4";

/** A node's static address on the group's network and its published port on the Docker host. */
export interface NodeAddressSpec {
    /** Static IPv4 address on the group's Docker network. */
    ip?: string;
    /** Port on the Docker host that maps to the node's 6379. */
    hostPort?: number;
}

/** The group's Docker network: either one the group creates, or an existing one. */
export interface NetworkSpec {
    /** Subnet of the network the group creates, e.g. 10.89.0.0/24. With `existing`, optional and only used to check IPs. */
    subnet?: string;
    /** Gateway of the created network. Default: the subnet's first host address. */
    gateway?: string;
    /** Name of an existing Docker network to join instead of creating one. */
    existing?: string;
}

/** Where each node keeps /data. */
export interface PersistenceSpec {
    /** Append-only file on (appendonly yes, fsync every second). Default true. */
    appendonly?: boolean;
    /** RDB snapshot rules as "seconds changes", e.g. ["3600 1", "300 100"]; [] turns RDB off. Default Redis's own. */
    save?: string[];
    /** "named": a Docker volume per node (default). "hostPath": a directory per node under `hostPath`. */
    volume?: string;
    /** Absolute host directory for volume "hostPath"; each node gets <hostPath>/<node>/{data,conf}. */
    hostPath?: string;
    /** Keep the data volumes when the group is destroyed. Default false. */
    retain?: boolean;
}

/** Replication settings the group types for you. */
export interface ReplicationSpec {
    /** min-replicas-to-write: the master refuses writes with fewer linked replicas. Default 0 (off). */
    minReplicasToWrite?: number;
    /** min-replicas-max-lag in seconds. Default 10. */
    minReplicasMaxLag?: number;
    /** repl-diskless-sync: stream the snapshot to replicas instead of writing it to disk first. Default false (see README). */
    disklessSync?: boolean;
    /** repl-diskless-sync-delay in seconds, with disklessSync. Default 0: Redis's own 5 s delays every first link-up by 5 s. */
    disklessSyncDelay?: number;
}

/** Per-container limits. */
export interface ResourcesSpec {
    /** Memory limit per container in MiB. */
    memoryMb?: number;
    /** CPU limit per container, e.g. 0.5. */
    cpus?: number;
}

/** The image the nodes run. */
export interface ImageSpec {
    /** Run this existing image and build nothing. */
    name?: string;
    /** Base image for docker/Dockerfile. Default the pinned official Redis image. */
    baseImage?: string;
}

/** Redis Sentinel, for automatic failover. Present (even as {}) means on. */
export interface SentinelSpec {
    /** Number of sentinels. Default 3; an odd number of 3 or more survives the loss of one. */
    count?: number;
    /** Sentinels that must agree the master is down. Default a majority of count. */
    quorum?: number;
    /** down-after-milliseconds: how long the master may be silent. Default 1000. */
    downAfterMilliseconds?: number;
    /** failover-timeout in ms. Default 10000. */
    failoverTimeout?: number;
    /** parallel-syncs: replicas that resync with a new master at once. Default 1. */
    parallelSyncs?: number;
    /** The name sentinels monitor the master under. Default the group's name. */
    masterName?: string;
    /** Each sentinel's static IP and host port; default: IPs after the last replica's, ports master.hostPort + 20000 on. */
    nodes?: NodeAddressSpec[];
}

/** A replication group as written in stack config or passed by a program. */
export interface GroupSpec {
    /** Prefix of container, network and volume names; a valid Docker name. */
    name?: string;
    /** The Docker network. Default a new network on 10.89.0.0/24. */
    network?: NetworkSpec;
    /** The master's address. Default the first free host address and host port 6380. */
    master?: NodeAddressSpec;
    /** Replicas as a list of addresses, or a count whose addresses follow the master's. Default 2. */
    replicas?: NodeAddressSpec[] | number;
    /** Host address the ports are published on. Default 127.0.0.1. */
    hostIp?: string;
    /** Password auth (requirepass/masterauth). Default true; off means protected-mode no. */
    auth?: boolean;
    /** Persistence and volumes. */
    persistence?: PersistenceSpec;
    /** Typed replication settings. */
    replication?: ReplicationSpec;
    /** maxmemory, e.g. "256mb". Default none. */
    maxmemory?: string;
    /** maxmemory-policy. Default noeviction. */
    maxmemoryPolicy?: string;
    /** Other redis.conf directives; those the group owns are refused. */
    redisConfig?: Record<string, string | number | boolean>;
    /** Container limits. */
    resources?: ResourcesSpec;
    /** Which image to run. */
    image?: ImageSpec;
    /** Docker restart policy: no, on-failure, always or unless-stopped. Default unless-stopped. */
    restart?: string;
    /** How long the replication check may wait for every link, in seconds. Default 60. */
    checkTimeoutSeconds?: number;
    /** The check's first poll interval in ms; it backs off to max(this, 50). Default 10. */
    checkPollIntervalMs?: number;
    /** Redis Sentinel for automatic failover. Default off. */
    sentinel?: SentinelSpec;
}

/** One node of the plan. */
export interface NodePlan {
    role: "master" | "replica" | "sentinel";
    /** "master", "replica-1", "replica-2", ..., "sentinel-1", ... */
    key: string;
    ip: string;
    hostPort: number;
}

/** A validated group with every default applied. */
export interface GroupConfig {
    name: string;
    network: { existing?: string; subnet?: string; gateway?: string };
    master: NodePlan;
    replicas: NodePlan[];
    hostIp: string;
    auth: boolean;
    persistence: { appendonly: boolean; save?: string[]; volume: "named" | "hostPath"; hostPath?: string; retain: boolean };
    replication: { minReplicasToWrite: number; minReplicasMaxLag: number; disklessSync: boolean; disklessSyncDelay: number };
    maxmemory?: string;
    maxmemoryPolicy: string;
    redisConfig: Record<string, string>;
    resources: ResourcesSpec;
    image: { name?: string; baseImage: string };
    restart: string;
    checkTimeoutSeconds: number;
    checkPollIntervalMs: number;
    sentinel?: SentinelPlan;
    /** Settings that work but are unwise; the component logs them as warnings. */
    warnings: string[];
}

/** Sentinel settings with defaults applied. */
export interface SentinelPlan {
    masterName: string;
    quorum: number;
    downAfterMilliseconds: number;
    failoverTimeout: number;
    parallelSyncs: number;
    nodes: NodePlan[];
}

export const DEFAULT_SUBNET = "10.89.0.0/24";
export const DEFAULT_BASE_IMAGE = "redis:7.2.5-alpine";
export const DEFAULT_MASTER_HOST_PORT = 6380;
export const DEFAULT_REPLICA_COUNT = 2;
export const DEFAULT_SENTINEL_COUNT = 3;
/** Sentinel i's default host port is master.hostPort + this + i - 1. */
const SENTINEL_PORT_OFFSET = 20000;
/** Docker's default bridge; a group network overlapping it cannot be created. */
const DOCKER0 = parseCidr("172.17.0.0/16") as Cidr;

/** Directives whose values the group owns: setting them through redisConfig would break the group. */
export const OWNED_DIRECTIVES: ReadonlySet<string> = new Set([
    "replicaof",
    "slaveof",
    "requirepass",
    "masterauth",
    "masteruser",
    "bind",
    "port",
    "dir",
    "protected-mode",
    "include",
    "user",
    "aclfile",
    "replica-read-only",
    "slave-read-only",
]);
/** Directives with a typed setting: redisConfig may set one only when the typed setting is left out. */
const TYPED_DIRECTIVES: Record<string, string> = {
    appendonly: "persistence.appendonly",
    save: "persistence.save",
    "min-replicas-to-write": "replication.minReplicasToWrite",
    "min-slaves-to-write": "replication.minReplicasToWrite",
    "min-replicas-max-lag": "replication.minReplicasMaxLag",
    "min-slaves-max-lag": "replication.minReplicasMaxLag",
    "repl-diskless-sync": "replication.disklessSync",
    "repl-diskless-sync-delay": "replication.disklessSyncDelay",
    maxmemory: "maxmemory",
    "maxmemory-policy": "maxmemoryPolicy",
};
const MAXMEMORY_POLICIES = [
    "noeviction",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
];
const RESTART_POLICIES = ["no", "on-failure", "always", "unless-stopped"];
/** Docker's own rule for container, network and volume names. */
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MAX_NAME_LENGTH = 48;
const MAX_REPLICAS = 32;

export interface ConfigProblem {
    propertyPath: string;
    reason: string;
}

/** Every problem found in a group's settings, one per line, each with its property path. */
export class GroupConfigError extends pulumi.InputPropertiesError {
    constructor(
        public readonly problems: ConfigProblem[],
        prefix = "",
    ) {
        const errors = problems.map((p) => ({ propertyPath: prefix + p.propertyPath, reason: p.reason }));
        super({
            message:
                `invalid replication group configuration (${errors.length} problem${errors.length === 1 ? "" : "s"}):\n` +
                errors.map((e) => `  ${e.propertyPath}: ${e.reason}`).join("\n"),
            errors,
        });
        this.name = "GroupConfigError";
    }
}

type Obj = Record<string, unknown>;

/** Collects problems while reading an untyped object. */
class Reader {
    readonly problems: ConfigProblem[] = [];

    fail(propertyPath: string, reason: string): undefined {
        this.problems.push({ propertyPath, reason });
        return undefined;
    }

    /** The object at path, reporting keys outside `known`. Undefined when absent or not an object. */
    object(value: unknown, path: string, known: string[]): Obj | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "object" || Array.isArray(value)) return this.fail(path, `must be an object, got ${describe(value)}`);
        const obj = value as Obj;
        for (const key of Object.keys(obj)) {
            if (!known.includes(key)) {
                const hint = closest(key, known);
                this.fail(join(path, key), `unknown key${hint ? `; did you mean "${hint}"?` : ""} (known: ${known.join(", ")})`);
            }
        }
        return obj;
    }

    string(value: unknown, path: string): string | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "string") return this.fail(path, `must be a string, got ${describe(value)}`);
        return value;
    }

    boolean(value: unknown, path: string): boolean | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "boolean") return this.fail(path, `must be true or false, got ${describe(value)}`);
        return value;
    }

    integer(value: unknown, path: string, min: number, max: number): number | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "number" || !Number.isInteger(value)) return this.fail(path, `must be a whole number, got ${describe(value)}`);
        if (value < min || value > max) return this.fail(path, `${value} is out of range ${min}-${max}`);
        return value;
    }

    number(value: unknown, path: string, min: number, max: number): number | undefined {
        if (value === undefined || value === null) return undefined;
        if (typeof value !== "number" || !Number.isFinite(value)) return this.fail(path, `must be a number, got ${describe(value)}`);
        if (value <= min || value > max) return this.fail(path, `${value} must be above ${min} and at most ${max}`);
        return value;
    }

    oneOf(value: unknown, path: string, allowed: string[]): string | undefined {
        const text = this.string(value, path);
        if (text !== undefined && !allowed.includes(text)) return this.fail(path, `"${text}" is not one of ${allowed.join(", ")}`);
        return text;
    }
}

function describe(value: unknown): string {
    if (Array.isArray(value)) return "a list";
    if (typeof value === "string") return JSON.stringify(value);
    return `${typeof value} ${JSON.stringify(value)}`;
}

function join(path: string, key: string): string {
    return path ? `${path}.${key}` : key;
}

/** The known key one edit away (a typo), if any. */
function closest(key: string, known: string[]): string | undefined {
    const lower = key.toLowerCase();
    return known.find((k) => k.toLowerCase() === lower || editDistance(k.toLowerCase(), lower) <= 2);
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length] ?? 0;
}

/** Reasons a password can't be used: it must fit on one redis.conf line unquoted. */
export function passwordProblems(password: string | undefined, auth: boolean): string[] {
    if (!auth) return [];
    if (password === undefined || password === "") {
        return ["required when group.auth is true; set it with `pulumi config set --secret password <value>`"];
    }
    const problems: string[] = [];
    if (/[\s"'\\]/.test(password)) problems.push("must not contain whitespace, newlines, quotes or backslashes (they break redis.conf)");
    if (password.length < 8) problems.push("must be at least 8 characters");
    if (password.length > 512) problems.push("must be at most 512 characters");
    return problems;
}

/**
 * Validates a group's settings and applies every default.
 * Throws one GroupConfigError that lists every problem with its property path.
 */
export function parseGroupConfig(raw: unknown, defaults: { name?: string } = {}): GroupConfig {
    const r = new Reader();
    const top = r.object(raw ?? {}, "", [
        "name",
        "network",
        "master",
        "replicas",
        "hostIp",
        "auth",
        "persistence",
        "replication",
        "maxmemory",
        "maxmemoryPolicy",
        "redisConfig",
        "resources",
        "image",
        "restart",
        "checkTimeoutSeconds",
        "checkPollIntervalMs",
        "sentinel",
    ]);
    if (!top) throw new GroupConfigError(r.problems);

    const name = r.string(top.name, "name") ?? defaults.name ?? "redis";
    if (!DOCKER_NAME.test(name))
        r.fail("name", `"${name}" is not a valid Docker name (letters, digits, _ . -, starting with a letter or digit)`);
    else if (name.length > MAX_NAME_LENGTH) r.fail("name", `"${name}" is longer than ${MAX_NAME_LENGTH} characters`);

    const network = readNetwork(r, top.network);
    const warnings: string[] = [];
    const { master, replicas, sentinel } = readNodes(r, top, network, name, warnings);
    const hostIp = r.string(top.hostIp, "hostIp") ?? "127.0.0.1";
    if (ipToInt(hostIp) === undefined) r.fail("hostIp", `${hostIp} is not an IPv4 address`);
    const auth = r.boolean(top.auth, "auth") ?? true;
    if (!auth && hostIp !== "127.0.0.1" && !hostIp.startsWith("127.")) {
        r.fail("hostIp", `${hostIp} would publish Redis without a password beyond this host; turn auth on or use 127.0.0.1`);
    }

    const persistence = readPersistence(r, top.persistence);
    const replication = readReplication(r, top.replication, replicas.length);
    const maxmemory = r.string(top.maxmemory, "maxmemory");
    if (maxmemory !== undefined && !/^\d+(b|k|kb|m|mb|g|gb)?$/i.test(maxmemory)) {
        r.fail("maxmemory", `"${maxmemory}" is not a size like 256mb`);
    }
    const maxmemoryPolicy = r.oneOf(top.maxmemoryPolicy, "maxmemoryPolicy", MAXMEMORY_POLICIES) ?? "noeviction";
    const redisConfig = readRedisConfig(r, top.redisConfig, (typedPath) => valueAt(top, typedPath) !== undefined);

    const res = r.object(top.resources, "resources", ["memoryMb", "cpus"]) ?? {};
    const resources: ResourcesSpec = {
        memoryMb: r.integer(res.memoryMb, "resources.memoryMb", 16, 1024 * 1024),
        cpus: r.number(res.cpus, "resources.cpus", 0, 256),
    };
    const img = r.object(top.image, "image", ["name", "baseImage"]) ?? {};
    const image = {
        name: r.string(img.name, "image.name"),
        baseImage: r.string(img.baseImage, "image.baseImage") ?? DEFAULT_BASE_IMAGE,
    };
    if (image.name !== undefined && img.baseImage !== undefined) {
        r.fail("image.baseImage", "is only used to build an image; remove it or remove image.name");
    }
    const restart = r.oneOf(top.restart, "restart", RESTART_POLICIES) ?? "unless-stopped";
    const checkTimeoutSeconds = r.number(top.checkTimeoutSeconds, "checkTimeoutSeconds", 0, 3600) ?? 60;
    const checkPollIntervalMs = r.integer(top.checkPollIntervalMs, "checkPollIntervalMs", 1, 60_000) ?? 10;

    if (r.problems.length > 0) throw new GroupConfigError(r.problems);
    return {
        name,
        network: { existing: network.existing, subnet: network.subnet, gateway: network.gateway },
        master,
        replicas,
        hostIp,
        auth,
        persistence,
        replication,
        maxmemory,
        maxmemoryPolicy,
        redisConfig,
        resources,
        image,
        restart,
        checkTimeoutSeconds,
        checkPollIntervalMs,
        sentinel,
        warnings,
    };
}

function readNetwork(r: Reader, value: unknown): GroupConfig["network"] & { cidr?: Cidr; gatewayInt?: number } {
    const net = r.object(value, "network", ["subnet", "gateway", "existing"]) ?? {};
    const existing = r.string(net.existing, "network.existing");
    if (existing !== undefined && !DOCKER_NAME.test(existing))
        r.fail("network.existing", `"${existing}" is not a valid Docker network name`);
    if (existing !== undefined && net.gateway !== undefined) r.fail("network.gateway", "cannot be set for an existing network");
    const subnet = r.string(net.subnet, "network.subnet") ?? (existing === undefined ? DEFAULT_SUBNET : undefined);
    if (subnet === undefined) return { existing };

    const cidr = parseCidr(subnet);
    if (typeof cidr === "string") {
        r.fail("network.subnet", cidr);
        return { existing, subnet };
    }
    if (cidr.prefix < 8 || cidr.prefix > 29) r.fail("network.subnet", `${subnet}: the prefix must be between /8 and /29`);
    if (existing === undefined && cidrsOverlap(cidr, DOCKER0)) {
        r.fail(
            "network.subnet",
            `${subnet} overlaps Docker's default bridge ${formatCidr(DOCKER0)}; pick another range, e.g. ${DEFAULT_SUBNET}`,
        );
    }
    if (existing !== undefined) return { existing, subnet: formatCidr(cidr), cidr };

    const gatewayText = r.string(net.gateway, "network.gateway");
    let gatewayInt = cidr.base + 1;
    if (gatewayText !== undefined) {
        const g = ipToInt(gatewayText);
        if (g === undefined) r.fail("network.gateway", `${gatewayText} is not an IPv4 address`);
        else if (!isHost(cidr, g)) r.fail("network.gateway", `${gatewayText} is not a host address of network.subnet ${subnet}`);
        else gatewayInt = g;
    }
    return { subnet: formatCidr(cidr), gateway: intToIp(gatewayInt), cidr, gatewayInt };
}

function isHost(cidr: Cidr, ip: number): boolean {
    return cidrContains(cidr, ip) && ip !== cidr.base && ip !== cidr.base + cidr.size - 1;
}

function readNodes(
    r: Reader,
    top: Obj,
    network: ReturnType<typeof readNetwork>,
    groupName: string,
    warnings: string[],
): { master: NodePlan; replicas: NodePlan[]; sentinel?: SentinelPlan } {
    const usedIps = new Map<number, string>();
    const usedPorts = new Map<number, string>();
    if (network.gatewayInt !== undefined) usedIps.set(network.gatewayInt, "network.gateway");

    const checkIp = (ip: string, path: string): number | undefined => {
        const n = ipToInt(ip);
        if (n === undefined) return r.fail(path, `${ip} is not an IPv4 address`);
        const cidr = network.cidr;
        if (cidr) {
            if (!cidrContains(cidr, n)) return r.fail(path, `${ip} is outside network.subnet ${network.subnet}`);
            if (n === cidr.base) return r.fail(path, `${ip} is the network address of ${network.subnet}`);
            if (n === cidr.base + cidr.size - 1) return r.fail(path, `${ip} is the broadcast address of ${network.subnet}`);
        }
        const owner = usedIps.get(n);
        if (owner === "network.gateway") return r.fail(path, `${ip} is the network's gateway`);
        if (owner !== undefined) return r.fail(path, `${ip} is already used by ${owner}`);
        usedIps.set(n, path);
        return n;
    };
    const checkPort = (port: number, path: string): void => {
        const owner = usedPorts.get(port);
        if (owner !== undefined) r.fail(path, `${port} is already used by ${owner}`);
        else usedPorts.set(port, path);
    };

    const m = r.object(top.master, "master", ["ip", "hostPort"]) ?? {};
    const defaultMasterIp = network.cidr ? intToIp(nextFree(network.cidr.base + 1, network.gatewayInt)) : undefined;
    const masterIp = r.string(m.ip, "master.ip") ?? defaultMasterIp;
    const masterPort = r.integer(m.hostPort, "master.hostPort", 1, 65535) ?? DEFAULT_MASTER_HOST_PORT;
    let masterIpInt: number | undefined;
    if (masterIp === undefined) r.fail("master.ip", "is required when network.existing is given without network.subnet");
    else masterIpInt = checkIp(masterIp, "master.ip");
    checkPort(masterPort, "master.hostPort");
    const master: NodePlan = { role: "master", key: "master", ip: masterIp ?? "", hostPort: masterPort };

    const replicas: NodePlan[] = [];
    const rawReplicas = top.replicas ?? DEFAULT_REPLICA_COUNT;
    if (typeof rawReplicas === "number") {
        const count = r.integer(rawReplicas, "replicas", 1, MAX_REPLICAS);
        if (count !== undefined && masterIpInt !== undefined) {
            replicas.push(...followingNodes("replicas", "replica", count, masterIpInt, masterPort + 1));
        }
    } else if (Array.isArray(rawReplicas)) {
        if (rawReplicas.length === 0) r.fail("replicas", "needs at least one replica");
        if (rawReplicas.length > MAX_REPLICAS) r.fail("replicas", `${rawReplicas.length} replicas is more than ${MAX_REPLICAS}`);
        replicas.push(...listedNodes("replicas", "replica", rawReplicas));
    } else {
        r.fail("replicas", `must be a count or a list of { ip, hostPort }, got ${describe(rawReplicas)}`);
    }
    const sentinel = readSentinel(top.sentinel);
    return { master, replicas, sentinel };

    /** `count` nodes whose IPs follow `afterIp` and whose ports count up from `firstPort`. */
    function followingNodes(path: string, role: NodePlan["role"], count: number, afterIp: number, firstPort: number): NodePlan[] {
        const nodes: NodePlan[] = [];
        let ip = afterIp;
        for (let i = 1; i <= count; i++) {
            ip = nextFree(ip + 1, network.gatewayInt);
            const port = firstPort + i - 1;
            if (network.cidr && !isHost(network.cidr, ip)) {
                r.fail(path, `${count} ${role}s after ${intToIp(afterIp)} do not fit in network.subnet ${network.subnet}`);
                break;
            }
            if (port > 65535) {
                r.fail(path, `${count} ${role}s from host port ${firstPort} need ports above 65535`);
                break;
            }
            checkIp(intToIp(ip), `${path}[${i - 1}].ip`);
            checkPort(port, `${path}[${i - 1}].hostPort`);
            nodes.push({ role, key: `${role}-${i}`, ip: intToIp(ip), hostPort: port });
        }
        return nodes;
    }

    function listedNodes(path: string, role: NodePlan["role"], entries: unknown[]): NodePlan[] {
        const nodes: NodePlan[] = [];
        entries.forEach((entry, i) => {
            const at = `${path}[${i}]`;
            const obj = r.object(entry, at, ["ip", "hostPort"]);
            if (!obj) {
                if (entry === undefined || entry === null) r.fail(at, "must be an object with ip and hostPort");
                return;
            }
            const ip = r.string(obj.ip, `${at}.ip`);
            const port = r.integer(obj.hostPort, `${at}.hostPort`, 1, 65535);
            if (ip === undefined && obj.ip === undefined) r.fail(`${at}.ip`, "is required");
            if (port === undefined && obj.hostPort === undefined) r.fail(`${at}.hostPort`, "is required");
            if (ip !== undefined) checkIp(ip, `${at}.ip`);
            if (port !== undefined) checkPort(port, `${at}.hostPort`);
            nodes.push({ role, key: `${role}-${i + 1}`, ip: ip ?? "", hostPort: port ?? 0 });
        });
        return nodes;
    }

    function readSentinel(value: unknown): SentinelPlan | undefined {
        const known = ["count", "quorum", "downAfterMilliseconds", "failoverTimeout", "parallelSyncs", "masterName", "nodes"];
        const s = r.object(value, "sentinel", known);
        if (!s) return undefined;
        const listed = s.nodes;
        if (listed !== undefined && !Array.isArray(listed))
            r.fail("sentinel.nodes", `must be a list of { ip, hostPort }, got ${describe(listed)}`);
        const listedCount = Array.isArray(listed) ? listed.length : undefined;
        const count = r.integer(s.count, "sentinel.count", 1, 9) ?? listedCount ?? DEFAULT_SENTINEL_COUNT;
        if (listedCount !== undefined && s.count !== undefined && listedCount !== count) {
            r.fail("sentinel.nodes", `lists ${listedCount} sentinels but sentinel.count is ${count}`);
        }
        const majority = Math.floor(count / 2) + 1;
        const quorum = r.integer(s.quorum, "sentinel.quorum", 1, 9) ?? majority;
        if (quorum > count) r.fail("sentinel.quorum", `${quorum} is more than the ${count} sentinels: no failover could ever be agreed`);
        if (count < 3) warnings.push(`sentinel.count ${count}: fewer than 3 sentinels cannot fail over once one of them is lost`);
        else if (count % 2 === 0)
            warnings.push(`sentinel.count ${count} is even: ${count + 1} sentinels survive as many losses as ${count} do, and more`);
        const masterName = r.string(s.masterName, "sentinel.masterName") ?? groupName;
        if (!/^[A-Za-z0-9._-]+$/.test(masterName))
            r.fail("sentinel.masterName", `"${masterName}" may only hold letters, digits, . _ and -`);

        let nodes: NodePlan[] = [];
        if (Array.isArray(listed)) nodes = listedNodes("sentinel.nodes", "sentinel", listed);
        else {
            const lastIp = ipToInt(replicas[replicas.length - 1]?.ip ?? master.ip);
            const firstPort = master.hostPort + SENTINEL_PORT_OFFSET;
            if (lastIp !== undefined) nodes = followingNodes("sentinel.nodes", "sentinel", count, lastIp, firstPort);
        }
        return {
            masterName,
            quorum,
            downAfterMilliseconds: r.integer(s.downAfterMilliseconds, "sentinel.downAfterMilliseconds", 100, 3_600_000) ?? 1000,
            failoverTimeout: r.integer(s.failoverTimeout, "sentinel.failoverTimeout", 1000, 86_400_000) ?? 10_000,
            parallelSyncs: r.integer(s.parallelSyncs, "sentinel.parallelSyncs", 1, MAX_REPLICAS) ?? 1,
            nodes,
        };
    }
}

/** The first address from `from` on that is not the gateway. */
function nextFree(from: number, gateway: number | undefined): number {
    return from === gateway ? from + 1 : from;
}

function readPersistence(r: Reader, value: unknown): GroupConfig["persistence"] {
    const p = r.object(value, "persistence", ["appendonly", "save", "volume", "hostPath", "retain"]) ?? {};
    const volume = (r.oneOf(p.volume, "persistence.volume", ["named", "hostPath"]) ?? "named") as "named" | "hostPath";
    const hostPath = r.string(p.hostPath, "persistence.hostPath");
    if (volume === "hostPath") {
        if (hostPath === undefined) r.fail("persistence.hostPath", 'is required when persistence.volume is "hostPath"');
        else if (!hostPath.startsWith("/")) r.fail("persistence.hostPath", `${hostPath} must be an absolute path`);
        else if (/[\s"'`$\\]/.test(hostPath))
            r.fail("persistence.hostPath", `${JSON.stringify(hostPath)} must not contain spaces, quotes, $ or backslashes`);
        else if (/(^|\/)\.\.(\/|$)/.test(hostPath)) r.fail("persistence.hostPath", `${hostPath} must not contain ..`);
    } else if (hostPath !== undefined) {
        r.fail("persistence.hostPath", 'is only used with persistence.volume "hostPath"');
    }
    let save: string[] | undefined;
    if (p.save !== undefined) {
        if (!Array.isArray(p.save)) r.fail("persistence.save", `must be a list like ["3600 1", "300 100"], got ${describe(p.save)}`);
        else {
            save = [];
            p.save.forEach((rule, i) => {
                if (typeof rule !== "string" || !/^\d+ \d+$/.test(rule))
                    r.fail(`persistence.save[${i}]`, `${describe(rule)} is not "<seconds> <changes>"`);
                else save?.push(rule);
            });
        }
    }
    return {
        appendonly: r.boolean(p.appendonly, "persistence.appendonly") ?? true,
        save,
        volume,
        hostPath: volume === "hostPath" ? hostPath : undefined,
        retain: r.boolean(p.retain, "persistence.retain") ?? false,
    };
}

function readReplication(r: Reader, value: unknown, replicaCount: number): GroupConfig["replication"] {
    const p = r.object(value, "replication", ["minReplicasToWrite", "minReplicasMaxLag", "disklessSync", "disklessSyncDelay"]) ?? {};
    const minReplicasToWrite = r.integer(p.minReplicasToWrite, "replication.minReplicasToWrite", 0, MAX_REPLICAS) ?? 0;
    if (replicaCount > 0 && minReplicasToWrite > replicaCount) {
        r.fail(
            "replication.minReplicasToWrite",
            `${minReplicasToWrite} is more than the ${replicaCount} replicas: the master would refuse every write`,
        );
    }
    return {
        minReplicasToWrite,
        minReplicasMaxLag: r.integer(p.minReplicasMaxLag, "replication.minReplicasMaxLag", 1, 3600) ?? 10,
        disklessSync: r.boolean(p.disklessSync, "replication.disklessSync") ?? false,
        disklessSyncDelay: r.integer(p.disklessSyncDelay, "replication.disklessSyncDelay", 0, 300) ?? 0,
    };
}

function valueAt(obj: Obj, dottedPath: string): unknown {
    return dottedPath.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Obj)[key] : undefined), obj);
}

function readRedisConfig(r: Reader, value: unknown, isTypedSet: (typedPath: string) => boolean): Record<string, string> {
    const out: Record<string, string> = {};
    if (value === undefined || value === null) return out;
    if (typeof value !== "object" || Array.isArray(value)) {
        r.fail("redisConfig", `must be a map of directive to value, got ${describe(value)}`);
        return out;
    }
    for (const [key, v] of Object.entries(value as Obj)) {
        const path = `redisConfig.${key}`;
        const directive = key.toLowerCase();
        if (!/^[a-z][a-z0-9-]*$/.test(directive)) {
            r.fail(path, "is not a redis.conf directive name");
        } else if (OWNED_DIRECTIVES.has(directive)) {
            r.fail(path, `is set by the group itself (it owns ${[...OWNED_DIRECTIVES].join(", ")})`);
        } else if (TYPED_DIRECTIVES[directive] !== undefined && isTypedSet(TYPED_DIRECTIVES[directive])) {
            r.fail(path, `conflicts with ${TYPED_DIRECTIVES[directive]}; set one of them`);
        } else if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
            r.fail(path, `must be a string, number or boolean, got ${describe(v)}`);
        } else {
            const text = typeof v === "boolean" ? (v ? "yes" : "no") : String(v);
            if (/[\r\n]/.test(text)) r.fail(path, "must be on one line");
            else if (text.trim() === "") r.fail(path, "must not be empty");
            else out[directive] = text;
        }
    }
    return out;
}

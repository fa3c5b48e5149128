// Validation and defaulting of a replication group's settings: a pure function from whatever
// the stack config (or a calling program) holds to a complete, checked plan. Every problem is
// reported at once, each with its property path.
import {
    DEFAULT_AUTH,
    DEFAULT_BASE_IMAGE,
    DEFAULT_CHECK_POLL_INTERVAL_MS,
    DEFAULT_CHECK_TIMEOUT_SECONDS,
    DEFAULT_HOST_IP,
    DEFAULT_NAME,
    DEFAULT_RESTART,
    DEFAULT_VERIFY,
    DOCKER_NAME,
    MAX_NAME_LENGTH,
    RESTART_POLICIES,
    VERIFY_MODES,
} from "./defaults";
import { readDisabledCommands, readUsers } from "./acl";
import { hostLossProblem, Placement, readHosts, replicaSpreadWarning, singleHostProblems } from "./hosts";
import { readTls } from "./tls";
import { readBackup, readRestore } from "./backup";
import { readMetrics } from "./metrics";
import { cpusStabilityProblem } from "./dockerForms";
import { GroupConfigError } from "./errors";
import { ipToInt } from "./ipv4";
import { readNetwork } from "./network";
import { nodeContext, readDataNodes } from "./nodes";
import { isAbsent, Obj, Reader, valueAt } from "./reader";
import { readRedisConfig } from "./redisConfig";
import { readMemory, readPersistence, readReplication } from "./redisSettings";
import { persistenceWarning } from "./restart";
import { readSentinel } from "./sentinel";
import { GroupPlan, GroupSpec, ImagePlan, ResourcesSpec } from "./types";

const GROUP_KEYS: (keyof GroupSpec)[] = [
    "name",
    "network",
    "master",
    "replicas",
    "replicaCount",
    "hostIp",
    "hosts",
    "auth",
    "disabledCommands",
    "users",
    "tls",
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
    "verify",
    "backup",
    "restoreFrom",
    "metrics",
];

/**
 * Validates a group's settings and applies every default.
 * Throws one GroupConfigError that lists every problem with its property path.
 */
export function parseGroupConfig(raw: unknown, defaults: { name?: string } = {}): GroupPlan {
    const r = new Reader();
    const top = r.object(raw ?? {}, "", GROUP_KEYS);
    if (!top) throw new GroupConfigError(r.problems);

    const name = readName(r, top.name, defaults.name);
    const network = readNetwork(r, top.network);
    const hosts = readHosts(r, top.hosts);
    const nodes = nodeContext(r, network, new Placement(r, hosts));
    const { master, replicas } = readDataNodes(nodes, top.master, { list: top.replicas, count: top.replicaCount });
    const sentinel = readSentinel(nodes, top.sentinel, name, { master, replicas });
    const { hostIp, auth } = readAccess(r, top, hosts !== undefined);
    const disabledCommands = readDisabledCommands(r, top.disabledCommands);
    const users = readUsers(r, top.users);
    const tls = readTls(r, top.tls, !isAbsent(top.sentinel));
    const persistence = readPersistence(r, top.persistence);
    const replication = readReplication(r, top.replication, replicas.length);
    const { maxmemory, maxmemoryPolicy } = readMemory(r, top.maxmemory, top.maxmemoryPolicy);
    const redisConfig = readRedisConfig(r, top.redisConfig, (typedPath) => valueAt(top, typedPath) !== undefined);
    const resources = readResources(r, top.resources);
    const image = readImage(r, top.image);
    const restart = r.oneOf(top.restart, "restart", RESTART_POLICIES) ?? DEFAULT_RESTART;
    const checkTimeoutSeconds = r.number(top.checkTimeoutSeconds, "checkTimeoutSeconds", 0, 3600) ?? DEFAULT_CHECK_TIMEOUT_SECONDS;
    const checkPollIntervalMs = r.integer(top.checkPollIntervalMs, "checkPollIntervalMs", 1, 60_000) ?? DEFAULT_CHECK_POLL_INTERVAL_MS;
    const verify = r.oneOf(top.verify, "verify", VERIFY_MODES) ?? DEFAULT_VERIFY;
    const backup = readBackup(nodes, top.backup, { master, replicas });
    const restore = readRestore(r, top.restoreFrom);
    const metrics = readMetrics(nodes, top.metrics, { hostIp, hosts });
    if (hosts) {
        singleHostProblems(r, top, { tlsPlaintextReplication: tls?.replication === false, hostPath: persistence.volume === "hostPath" });
        const accepted = r.boolean(
            (top.sentinel as Obj | undefined)?.acceptHostLossWithoutFailover,
            "sentinel.acceptHostLossWithoutFailover",
        );
        const lossProblem = sentinel && hostLossProblem(hosts, sentinel);
        if (lossProblem && accepted) r.warn(`sentinel.nodes: ${lossProblem}`);
        else if (lossProblem) r.fail("sentinel.nodes", lossProblem);
        const spread = replicaSpreadWarning(master, replicas);
        if (spread) r.warn(spread);
    }
    r.throwIfAny();

    const plan: GroupPlan = {
        name,
        network: { existing: network.existing, subnet: network.subnet, gateway: network.gateway },
        master,
        replicas,
        hostIp,
        hosts,
        auth,
        disabledCommands,
        users,
        tls,
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
        verify,
        backup,
        restore,
        metrics,
        warnings: r.warnings,
    };
    const unsafe = persistenceWarning(plan);
    if (unsafe) plan.warnings.push(unsafe);
    return plan;
}

/** The prefix of every Docker name the group makes. */
function readName(r: Reader, value: unknown, fallback: string | undefined): string {
    const name = r.string(value, "name") ?? fallback ?? DEFAULT_NAME;
    if (!DOCKER_NAME.test(name))
        r.fail("name", `"${name}" is not a valid Docker name (letters, digits, _ . -, starting with a letter or digit)`);
    else if (name.length > MAX_NAME_LENGTH) r.fail("name", `"${name}" is longer than ${MAX_NAME_LENGTH} characters`);
    return name;
}

/** Where the ports are published, and whether a password guards them: no open Redis beyond loopback. */
function readAccess(r: Reader, top: Obj, onHosts: boolean): { hostIp: string; auth: boolean } {
    const hostIp = r.string(top.hostIp, "hostIp") ?? DEFAULT_HOST_IP;
    if (ipToInt(hostIp) === undefined) r.fail("hostIp", `${hostIp} is not an IPv4 address`);
    const auth = r.boolean(top.auth, "auth") ?? DEFAULT_AUTH;
    if (!auth && onHosts) r.fail("auth", "false would publish Redis without a password on every host's address");
    else if (!auth && !hostIp.startsWith("127.")) {
        r.fail("hostIp", `${hostIp} would publish Redis without a password beyond this host; turn auth on or use 127.0.0.1`);
    }
    return { hostIp, auth };
}

function readResources(r: Reader, value: unknown): ResourcesSpec {
    const res = r.object(value, "resources", ["memoryMb", "cpus"]) ?? {};
    const cpus = r.number(res.cpus, "resources.cpus", 0, 256);
    const unstable = cpus === undefined ? undefined : cpusStabilityProblem(cpus);
    if (unstable) r.fail("resources.cpus", unstable);
    return { memoryMb: r.integer(res.memoryMb, "resources.memoryMb", 16, 1024 * 1024), cpus };
}

/** An image to run as it is, or the base image to build docker/Dockerfile on. */
function readImage(r: Reader, value: unknown): ImagePlan {
    const img = r.object(value, "image", ["name", "baseImage"]) ?? {};
    const name = r.string(img.name, "image.name");
    const baseImage = r.string(img.baseImage, "image.baseImage") ?? DEFAULT_BASE_IMAGE;
    if (name !== undefined && img.baseImage !== undefined) {
        r.fail("image.baseImage", "is only used to build an image; remove it or remove image.name");
    }
    return { name, baseImage };
}

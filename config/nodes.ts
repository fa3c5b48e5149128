// The nodes' static IPs and host ports: listed, or counted on from the master's. Every address
// goes through one address book, which refuses an IP or a port that is already taken.
import { describe } from "./errors";
import { DEFAULT_MASTER_HOST_PORT, DEFAULT_REPLICA_COUNT, MAX_REPLICAS, MAX_SENTINELS } from "./defaults";
import { cidrContains, intToIp, ipToInt } from "./ipv4";
import { Placement } from "./hosts";
import { isHost, NetworkLayout, nextFree } from "./network";
import { isAbsent, Reader } from "./reader";
import { NodePlan } from "./types";

/** The IPs and host ports taken so far, each with the property path that took it. */
export class AddressBook {
    private readonly ips = new Map<number, string>();
    private readonly ports = new Map<string, string>();

    constructor(
        private readonly r: Reader,
        private readonly network: NetworkLayout,
    ) {
        if (network.gatewayInt !== undefined) this.ips.set(network.gatewayInt, "network.gateway");
    }

    /** Takes ip for path: its number, or undefined (and a problem) when it is not a free host address. */
    claimIp(ip: string, path: string): number | undefined {
        const n = ipToInt(ip);
        if (n === undefined) return this.r.fail(path, `${ip} is not an IPv4 address`);
        const { cidr, subnet } = this.network;
        if (cidr) {
            if (!cidrContains(cidr, n)) return this.r.fail(path, `${ip} is outside network.subnet ${subnet}`);
            if (n === cidr.base) return this.r.fail(path, `${ip} is the network address of ${subnet}`);
            if (n === cidr.base + cidr.size - 1) return this.r.fail(path, `${ip} is the broadcast address of ${subnet}`);
        }
        const owner = this.ips.get(n);
        if (owner === "network.gateway") return this.r.fail(path, `${ip} is the network's gateway`);
        if (owner !== undefined) return this.r.fail(path, `${ip} is already used by ${owner}`);
        this.ips.set(n, path);
        return n;
    }

    /** Whether another node has the IP already. */
    hasIp(ip: number): boolean {
        return this.ips.has(ip);
    }

    /** Takes a host port for path (on its host, with several), or records that another node has it. */
    claimPort(port: number, path: string, host?: string): void {
        const key = `${host ?? ""}:${port}`;
        const owner = this.ports.get(key);
        const where = host === undefined ? "" : ` on host "${host}"`;
        if (owner !== undefined) this.r.fail(path, `${port}${where} is already used by ${owner}`);
        else this.ports.set(key, path);
    }
}

/** What reading nodes needs: the reader, the network, the one address book, and the hosts. */
export interface NodeContext {
    r: Reader;
    network: NetworkLayout;
    book: AddressBook;
    placement: Placement;
}

export function nodeContext(r: Reader, network: NetworkLayout, placement: Placement): NodeContext {
    return { r, network, book: new AddressBook(r, network), placement };
}

/** The keys of a node's address; `host` with several hosts. */
const NODE_KEYS = ["ip", "hostPort", "host"];

/** The master and the replicas; their addresses are in the context's book afterwards. */
export function readDataNodes(
    ctx: NodeContext,
    masterValue: unknown,
    replicas: { list: unknown; count: unknown },
): { master: NodePlan; replicas: NodePlan[] } {
    const { r, network, book } = ctx;
    const m = r.object(masterValue, "master", NODE_KEYS) ?? {};
    const defaultIp = network.cidr ? intToIp(nextFree(network.cidr.base + 1, network.gatewayInt)) : undefined;
    const ip = r.string(m.ip, "master.ip") ?? defaultIp;
    const hostPort = r.integer(m.hostPort, "master.hostPort", 1, 65535) ?? DEFAULT_MASTER_HOST_PORT;
    let ipInt: number | undefined;
    if (ip === undefined) r.fail("master.ip", "is required when network.existing is given without network.subnet");
    else ipInt = book.claimIp(ip, "master.ip");
    // Placed has `host` only with hosts: a node on one engine is planned as it always was.
    const placed = ctx.placement.place(m.host, "master", "master", 0);
    book.claimPort(hostPort, "master.hostPort", placed.host);
    const master: NodePlan = { role: "master", key: "master", ip: ip ?? "", hostPort, ...placed };
    return { master, replicas: readReplicas(ctx, replicas, ipInt, hostPort) };
}

/**
 * The replicas: `replicas` as a list (or, as stack config may write it, a count), or
 * `replicaCount` of them at the addresses and ports after the master's. Not both.
 */
function readReplicas(
    ctx: NodeContext,
    given: { list: unknown; count: unknown },
    masterIp: number | undefined,
    masterPort: number,
): NodePlan[] {
    const { r } = ctx;
    if (!isAbsent(given.count)) {
        if (!isAbsent(given.list)) r.fail("replicaCount", "give either replicas (a list) or replicaCount, not both");
        const count = r.integer(given.count, "replicaCount", 1, MAX_REPLICAS);
        if (count === undefined || masterIp === undefined) return [];
        return followingNodes(ctx, "replicas", "replica", count, masterIp, masterPort + 1);
    }
    const value = isAbsent(given.list) ? DEFAULT_REPLICA_COUNT : given.list;
    if (typeof value === "number") {
        const count = r.integer(value, "replicas", 1, MAX_REPLICAS);
        if (count === undefined || masterIp === undefined) return [];
        return followingNodes(ctx, "replicas", "replica", count, masterIp, masterPort + 1);
    }
    if (Array.isArray(value)) {
        if (value.length === 0) r.fail("replicas", "needs at least one replica");
        if (value.length > MAX_REPLICAS) r.fail("replicas", `${value.length} replicas is more than ${MAX_REPLICAS}`);
        return listedNodes(ctx, "replicas", "replica", value);
    }
    r.fail("replicas", `must be a count or a list of { ip, hostPort }, got ${describe(value)}`);
    return [];
}

/** `count` nodes whose IPs follow `afterIp` (skipping the gateway) and whose ports count up from `firstPort`. */
export function followingNodes(
    ctx: NodeContext,
    path: string,
    role: NodePlan["role"],
    count: number,
    afterIp: number,
    firstPort: number,
    step: 1 | -1 = 1,
): NodePlan[] {
    const { r, network, book } = ctx;
    const nodes: NodePlan[] = [];
    let ip = afterIp;
    for (let i = 1; i <= count; i++) {
        ip = nextFree(ip + step, network.gatewayInt, step);
        const port = firstPort + i - 1;
        // Counting down from the top, the nodes meet the data nodes counting up.
        if ((network.cidr && !isHost(network.cidr, ip)) || (step === -1 && book.hasIp(ip))) {
            const where = step === 1 ? "after" : "below";
            r.fail(path, `${count} ${role}s ${where} ${intToIp(afterIp)} do not fit in network.subnet ${network.subnet}`);
            break;
        }
        if (port > 65535) {
            r.fail(path, `${count} ${role}s from host port ${firstPort} need ports above 65535`);
            break;
        }
        const placed = ctx.placement.place(undefined, `${path}[${i - 1}]`, role, i - 1);
        book.claimIp(intToIp(ip), `${path}[${i - 1}].ip`);
        book.claimPort(port, `${path}[${i - 1}].hostPort`, placed.host);
        nodes.push({ role, key: `${role}-${i}`, ip: intToIp(ip), hostPort: port, ...placed });
    }
    return nodes;
}

/** Nodes at the listed { ip, hostPort } entries, both required. */
export function listedNodes(ctx: NodeContext, path: string, role: NodePlan["role"], entries: unknown[]): NodePlan[] {
    const { r, book } = ctx;
    const nodes: NodePlan[] = [];
    // entries(), not forEach: a hole in a program's list is a missing entry, not one to skip.
    for (const [i, entry] of entries.entries()) {
        const at = `${path}[${i}]`;
        const obj = r.object(entry, at, NODE_KEYS);
        if (!obj) {
            if (isAbsent(entry)) r.fail(at, "must be an object with ip and hostPort");
            continue;
        }
        const ip = r.string(obj.ip, `${at}.ip`);
        const port = r.integer(obj.hostPort, `${at}.hostPort`, 1, 65535);
        if (ip === undefined && isAbsent(obj.ip)) r.fail(`${at}.ip`, "is required");
        if (port === undefined && isAbsent(obj.hostPort)) r.fail(`${at}.hostPort`, "is required");
        const placed = ctx.placement.place(obj.host, at, role, i);
        if (ip !== undefined) book.claimIp(ip, `${at}.ip`);
        if (port !== undefined) book.claimPort(port, `${at}.hostPort`, placed.host);
        nodes.push({ role, key: `${role}-${i + 1}`, ip: ip ?? "", hostPort: port ?? 0, ...placed });
    }
    return nodes;
}

/**
 * A static IP for one of the group's own containers (the backup runner, the exporter): the highest
 * free host address below the sentinels' default range, so that neither data nodes (counting up)
 * nor sentinels (counting down) ever move onto it; in a subnet too small for that, the highest free
 * one. Undefined without a known subnet: Docker then picks one.
 */
export function claimToolIp(ctx: NodeContext, path: string, what: string): string | undefined {
    const { cidr } = ctx.network;
    if (!cidr) return undefined;
    const top = cidr.base + cidr.size - 2;
    const free = (ip: number) => isHost(cidr, ip) && ip !== ctx.network.gatewayInt && !ctx.book.hasIp(ip);
    for (const from of [top - MAX_SENTINELS, top]) {
        for (let ip = from; ip > cidr.base; ip--) {
            if (!free(ip)) continue;
            ctx.book.claimIp(intToIp(ip), path);
            return intToIp(ip);
        }
    }
    ctx.r.fail(path, `network.subnet ${ctx.network.subnet} has no address left for ${what}`);
    return undefined;
}

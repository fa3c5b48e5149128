// Several Docker hosts: where each node runs, and whether the sentinels survive the loss of any
// one host. Nodes name their host, or are spread over the hosts in turn. A host lost for good
// stays in hosts for one up, so that the group can let go of what it had there; no node runs on it.
import { describe } from "./errors";
import { ipToInt } from "./ipv4";
import { isAbsent, Obj, Reader } from "./reader";
import type { HostPlan, NodePlan, SentinelPlan } from "./types";

const HOST_KEYS = ["address", "publishIp", "dockerHost", "sshOpts", "lost"];
const HOST_NAME = /^[a-z0-9][a-z0-9-]*$/;
const DOCKER_HOST_SCHEMES = ["unix://", "tcp://", "ssh://"];

/** The hosts, in the order written; undefined when `hosts` is left out (one Docker engine). */
export function readHosts(r: Reader, value: unknown): HostPlan[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) {
        return r.fail("hosts", `must be a map of host name to { address, dockerHost }, got ${describe(value)}`);
    }
    const entries = Object.entries(value as Obj);
    if (entries.length === 0) return r.fail("hosts", "names no host; leave it out to run on one Docker engine");
    const hosts = entries.map(([name, spec]) => readHost(r, name, spec));
    if (hosts.every((h) => h.lost)) r.fail("hosts", "every host is lost: at least one must run the group");
    return hosts;
}

function readHost(r: Reader, name: string, value: unknown): HostPlan {
    const at = `hosts.${name}`;
    if (!HOST_NAME.test(name)) r.fail(at, `"${name}" is not a host name (lower-case letters, digits and -, as container names take it)`);
    const h = r.object(value, at, HOST_KEYS) ?? {};
    const address = r.string(h.address, `${at}.address`);
    if (address === undefined && h.address === undefined) r.fail(`${at}.address`, "is required: where other hosts and clients reach it");
    else if (address !== undefined && ipToInt(address) === undefined) {
        r.fail(`${at}.address`, `${address} is not an IPv4 address (Redis and Sentinel announce addresses, not names)`);
    }
    const publishIp = r.string(h.publishIp, `${at}.publishIp`) ?? address ?? "";
    if (h.publishIp !== undefined && ipToInt(publishIp) === undefined) r.fail(`${at}.publishIp`, `${publishIp} is not an IPv4 address`);
    const dockerHost = r.string(h.dockerHost, `${at}.dockerHost`);
    if (dockerHost !== undefined && !DOCKER_HOST_SCHEMES.some((s) => dockerHost.startsWith(s))) {
        r.fail(`${at}.dockerHost`, `"${dockerHost}" is not a Docker host address (${DOCKER_HOST_SCHEMES.join(", ")})`);
    }
    const sshOpts = h.sshOpts;
    if (sshOpts !== undefined && !(Array.isArray(sshOpts) && sshOpts.every((o) => typeof o === "string"))) {
        r.fail(`${at}.sshOpts`, `must be a list of ssh options, got ${describe(sshOpts)}`);
    }
    const ssh = Array.isArray(sshOpts) ? { sshOpts: sshOpts as string[] } : {};
    // Only when true: the plan of a group that never lost a host stays as it was, and so do its digests.
    const lost = r.boolean(h.lost, `${at}.lost`) === true ? { lost: true as const } : {};
    return { name, address: address ?? "", publishIp, ...(dockerHost === undefined ? {} : { dockerHost }), ...ssh, ...lost };
}

/** The turn of a node placed in turn: the master first, then replica i; sentinel i from the first host. */
function slotOf(role: NodePlan["role"], index: number): number {
    return role === "replica" ? index + 1 : index;
}

/**
 * The host a node placed in turn (the `index`th of its role) gets in turn over every host, lost
 * ones included: where it ran before a host was lost. Undefined for no hosts.
 */
export function defaultHostOf(hosts: HostPlan[], role: NodePlan["role"], index: number): HostPlan | undefined {
    return hosts[slotOf(role, index) % hosts.length];
}

/** Where a node runs, as its NodePlan has it: nothing on one engine. */
export type Placed = Pick<NodePlan, "host" | "movedFrom">;

/**
 * Where nodes go: the host a node names, or the next host in turn that is not lost; an unknown or
 * a lost name is a problem. Turns skip lost hosts, so dropping one from hosts later moves nothing.
 */
export class Placement {
    private readonly live: HostPlan[];

    constructor(
        private readonly r: Reader,
        private readonly hosts: HostPlan[] | undefined,
    ) {
        this.live = (hosts ?? []).filter((h) => !h.lost);
    }

    /** The host of the node at `path`, the `index`th of its role; with `movedFrom` when its turn's host is lost. */
    place(given: unknown, path: string, role: NodePlan["role"], index: number): Placed {
        const hosts = this.hosts;
        if (!hosts) {
            if (!isAbsent(given)) this.r.fail(`${path}.host`, "names a host, but the group has no hosts");
            return {};
        }
        if (isAbsent(given)) return this.inTurn(hosts, role, index);
        const name = this.r.string(given, `${path}.host`);
        if (name === undefined) return {};
        const host = hosts.find((h) => h.name === name);
        if (!host) {
            this.r.fail(`${path}.host`, `"${name}" is not one of hosts (${hosts.map((h) => h.name).join(", ")})`);
            return {};
        }
        // With every host lost, `hosts` says so once.
        if (host.lost && this.live.length > 0) {
            this.r.fail(
                `${path}.host`,
                `"${name}" is lost (hosts.${name}.lost); name another host (${this.live.map((h) => h.name).join(", ")})`,
            );
            return {};
        }
        return { host: name };
    }

    private inTurn(hosts: HostPlan[], role: NodePlan["role"], index: number): Placed {
        const host = this.live[slotOf(role, index) % this.live.length];
        if (!host) return {}; // every host lost: a problem at `hosts` already
        const before = defaultHostOf(hosts, role, index);
        return { host: host.name, ...(before?.lost ? { movedFrom: before.name } : {}) };
    }
}

/**
 * With sentinels on several hosts: a host whose loss leaves fewer sentinels than the quorum, or
 * than a majority (which must authorize a failover), means no failover once it is gone.
 */
export function hostLossProblem(hosts: HostPlan[], sentinel: SentinelPlan): string | undefined {
    const total = sentinel.nodes.length;
    const majority = Math.floor(total / 2) + 1;
    const needed = Math.max(sentinel.quorum, majority);
    // A lost host holds no node: only the loss of a live one can take sentinels away.
    for (const host of hosts.filter((h) => !h.lost)) {
        const left = sentinel.nodes.filter((n) => n.host !== host.name).length;
        if (left < needed) {
            return (
                `losing host "${host.name}" leaves ${left} of ${total} sentinels, fewer than the ${needed} a failover needs ` +
                `(quorum ${sentinel.quorum}, majority ${majority}); spread them over more hosts, ` +
                "or set sentinel.acceptHostLossWithoutFailover"
            );
        }
    }
    return undefined;
}

/** A warning when the master's host holds every replica too: losing it loses the data. */
export function replicaSpreadWarning(master: NodePlan, replicas: NodePlan[]): string | undefined {
    if (master.host === undefined || replicas.some((n) => n.host !== master.host)) return undefined;
    return `every replica is on the master's host "${master.host}": losing that host loses every copy of the data`;
}

/** What only one engine can do: refused with hosts. */
export function singleHostProblems(r: Reader, top: Obj, plan: { tlsPlaintextReplication: boolean; hostPath: boolean }): void {
    if (top.hostIp !== undefined) r.fail("hostIp", "with hosts, ports are published on each host's address (hosts.<name>.publishIp)");
    if ((top.network as Obj | undefined)?.existing !== undefined) {
        r.fail("network.existing", "with hosts, the group creates its network on each host");
    }
    if (plan.hostPath) r.fail("persistence.volume", "hostPath directories are made on this machine only; with hosts use named volumes");
    if (plan.tlsPlaintextReplication) {
        r.fail("tls.replication", "false has replicas follow an unpublished plaintext port, which other hosts can't reach");
    }
}

/**
 * Problems with the Docker providers a TypeScript program hands the group, by host name: each
 * must be one of hosts, and instead of (not beside) that host's dockerHost.
 */
export function hostProviderProblems(hosts: HostPlan[] | undefined, given: string[]): { propertyPath: string; reason: string }[] {
    if (given.length === 0) return [];
    if (!hosts) return [{ propertyPath: "hostProviders", reason: "names hosts, but the group has no hosts" }];
    return given.flatMap((name) => {
        const host = hosts.find((h) => h.name === name);
        const propertyPath = `hostProviders.${name}`;
        if (!host) return [{ propertyPath, reason: `"${name}" is not one of hosts (${hosts.map((h) => h.name).join(", ")})` }];
        if (host.dockerHost !== undefined) return [{ propertyPath, reason: `give hosts.${name}.dockerHost or a provider, not both` }];
        return [];
    });
}

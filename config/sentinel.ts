// Redis Sentinel: how many sentinels, how they agree, and where they run. Present (even as {})
// means on; their addresses come after the data nodes' and go through the same address book.
import { describe } from "./errors";
import {
    DEFAULT_SENTINEL_COUNT,
    DEFAULT_SENTINEL_TIMINGS,
    LINUX_EPHEMERAL_PORTS,
    MAX_REPLICAS,
    MAX_SENTINELS,
    SENTINEL_PORT_OFFSET,
} from "./defaults";
import { ipToInt } from "./ipv4";
import { followingNodes, listedNodes, NodeContext } from "./nodes";
import { Obj, Reader } from "./reader";
import { NodePlan, SentinelPlan } from "./types";

const SENTINEL_KEYS = [
    "count",
    "quorum",
    "downAfterMilliseconds",
    "failoverTimeout",
    "parallelSyncs",
    "masterName",
    "nodes",
    "acceptHostLossWithoutFailover",
];

/** The sentinel plan, or undefined when `sentinel` is left out. Read after the data nodes. */
export function readSentinel(
    ctx: NodeContext,
    value: unknown,
    groupName: string,
    data: { master: NodePlan; replicas: NodePlan[] },
): SentinelPlan | undefined {
    const { r } = ctx;
    const s = r.object(value, "sentinel", SENTINEL_KEYS);
    if (!s) return undefined;
    const listed = s.nodes;
    if (listed !== undefined && !Array.isArray(listed))
        r.fail("sentinel.nodes", `must be a list of { ip, hostPort }, got ${describe(listed)}`);
    const count = readCount(r, s, Array.isArray(listed) ? listed.length : undefined);
    const quorum = r.integer(s.quorum, "sentinel.quorum", 1, MAX_SENTINELS) ?? Math.floor(count / 2) + 1;
    if (quorum > count) r.fail("sentinel.quorum", `${quorum} is more than the ${count} sentinels: no failover could ever be agreed`);
    const masterName = r.string(s.masterName, "sentinel.masterName") ?? groupName;
    if (!/^[A-Za-z0-9._-]+$/.test(masterName)) r.fail("sentinel.masterName", `"${masterName}" may only hold letters, digits, . _ and -`);
    const nodes = Array.isArray(listed) ? listedNodes(ctx, "sentinel.nodes", "sentinel", listed) : defaultNodes(ctx, count, data);
    const ephemeral = ephemeralPortWarning(nodes, Array.isArray(listed));
    if (ephemeral) r.warn(ephemeral);
    return { masterName, quorum, ...readTimings(r, s), nodes };
}

/** sentinel.count, or as many as are listed; warns when the count weakens failover. */
function readCount(r: Reader, s: Obj, listedCount: number | undefined): number {
    const count = r.integer(s.count, "sentinel.count", 1, MAX_SENTINELS) ?? listedCount ?? DEFAULT_SENTINEL_COUNT;
    if (listedCount !== undefined && listedCount > MAX_SENTINELS) {
        r.fail("sentinel.nodes", `${listedCount} sentinels is more than ${MAX_SENTINELS}`);
    }
    if (listedCount !== undefined && s.count !== undefined && listedCount !== count) {
        r.fail("sentinel.nodes", `lists ${listedCount} sentinels but sentinel.count is ${count}`);
    }
    if (count < 3) r.warn(`sentinel.count ${count}: fewer than 3 sentinels cannot fail over once one of them is lost`);
    else if (count % 2 === 0)
        r.warn(`sentinel.count ${count} is even: ${count + 1} sentinels survive as many losses as ${count} do, and more`);
    return count;
}

/**
 * A warning when sentinel host ports, listed or defaulted, lie in Linux's ephemeral range: such a
 * port may be held by an outgoing connection when its sentinel is (re)created. Only a warning: the
 * default stays, since moving it would move existing sentinels.
 */
function ephemeralPortWarning(nodes: NodePlan[], listed: boolean): string | undefined {
    const { first, last } = LINUX_EPHEMERAL_PORTS;
    const hits = nodes.flatMap((n, i) =>
        n.hostPort >= first && n.hostPort <= last ? [`sentinel.nodes[${i}].hostPort ${n.hostPort}`] : [],
    );
    if (hits.length === 0) return undefined;
    const fix = listed
        ? `give them hostPorts below ${first}`
        : `list sentinel.nodes with explicit hostPorts, e.g. below ${first} (by default they are master.hostPort + ${SENTINEL_PORT_OFFSET} and up)`;
    return (
        `${hits.join(", ")}: in ${first}-${last}, Linux's ephemeral port range, where the kernel picks outgoing connections' ` +
        `local ports, so one may be taken when its sentinel starts; ${fix}`
    );
}

/**
 * IPs from the top of the subnet down, so that adding or removing replicas never moves a
 * sentinel; host ports from master.hostPort + SENTINEL_PORT_OFFSET. Without a known subnet (an
 * existing network), IPs after the last data node's.
 */
function defaultNodes(ctx: NodeContext, count: number, data: { master: NodePlan; replicas: NodePlan[] }): NodePlan[] {
    const firstPort = data.master.hostPort + SENTINEL_PORT_OFFSET;
    const { cidr } = ctx.network;
    if (cidr) return followingNodes(ctx, "sentinel.nodes", "sentinel", count, cidr.base + cidr.size - 1, firstPort, -1);
    const lastIp = ipToInt(data.replicas[data.replicas.length - 1]?.ip ?? data.master.ip);
    if (lastIp === undefined) return [];
    return followingNodes(ctx, "sentinel.nodes", "sentinel", count, lastIp, firstPort);
}

function readTimings(r: Reader, s: Obj): Pick<SentinelPlan, "downAfterMilliseconds" | "failoverTimeout" | "parallelSyncs"> {
    const d = DEFAULT_SENTINEL_TIMINGS;
    return {
        downAfterMilliseconds:
            r.integer(s.downAfterMilliseconds, "sentinel.downAfterMilliseconds", 100, 3_600_000) ?? d.downAfterMilliseconds,
        failoverTimeout: r.integer(s.failoverTimeout, "sentinel.failoverTimeout", 1000, 86_400_000) ?? d.failoverTimeout,
        parallelSyncs: r.integer(s.parallelSyncs, "sentinel.parallelSyncs", 1, MAX_REPLICAS) ?? d.parallelSyncs,
    };
}

// The whole check, step by step: poll the group until it is healthy, probe a write, report.
// Serialized with the provider (see docs/development.md#serialized-providers).
import { backoff } from "../redisOps/backoff";
import { withNode } from "./connection";
import { REDIS_DEFAULT_PORT, SENTINEL_DEFAULT_PORT } from "../redisOps/constants";
import type { CheckContext, NodeFacts, NodeState } from "./context";
import { inspectNode } from "./judge";
import { renderFailures } from "./messages";
import { parseEndpoint, parseInfo } from "../redisOps/parse";
import { probeReplication } from "./probe";
import { verifyRestored } from "./restored";
import { chooseMaster, judgeSentinel, querySentinel, type SentinelView } from "./sentinel";
import type { ReplicaStatus, ReplicaTarget, ReplicationCheckInputs, ReplicationCheckResult, SentinelCheck, SentinelStatus } from "./types";

/** The nodes of one run. With sentinel, master and replicas follow the master the sentinels report. */
interface Group {
    master: NodeState;
    replicas: NodeState[];
    dataNodes: NodeState[];
    sentinels: NodeState[];
    /** Each data node as a target, for ctx.replicas when the master changes. */
    targets: Map<NodeState, ReplicaTarget>;
    sentinel?: SentinelCheck;
    /** What the sentinels said in the last poll. */
    views: SentinelView[];
}

/** The whole check. Every connection it opens is closed before it returns or throws. */
export async function verifyReplication(inputs: ReplicationCheckInputs): Promise<ReplicationCheckResult> {
    const started = Date.now();
    const timeoutMs = inputs.timeoutMs ?? 60000;
    const deadline = started + timeoutMs;
    const ctx = newContext(inputs, timeoutMs);
    const group = newGroup(inputs);
    try {
        // 1. Poll every node (and sentinel) in parallel until all conditions hold; bounded by the deadline.
        await waitHealthy(ctx, group, deadline, timeoutMs, Math.max(1, inputs.pollIntervalMs ?? 10));
        // 2. A write must reach every replica. It gets at least 5 s even if the wait used the timeout up.
        await probeReplication(ctx, group.master, group.replicas, Math.max(deadline - Date.now(), Math.min(timeoutMs, 5000)));
        // 3. After a restore, the file's keys on every node.
        const restoredKeys = inputs.restored
            ? await verifyRestored(ctx, group, inputs.restored, Math.max(deadline, Date.now() + 5000), timeoutMs)
            : undefined;
        // 4. Report offsets as they are now.
        return await report(ctx, group, started, restoredKeys);
    } finally {
        for (const c of ctx.clients) {
            c.disconnect();
        }
    }
}

function newContext(inputs: ReplicationCheckInputs, timeoutMs: number): CheckContext {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("crypto") as typeof import("crypto");
    return {
        username: inputs.username ?? undefined,
        tls: inputs.tls ?? undefined,
        password: inputs.password ?? undefined,
        opTimeout: Math.min(2000, Math.max(500, timeoutMs)),
        clients: [],
        masterIp: inputs.masterIp,
        masterPort: inputs.masterPort ?? REDIS_DEFAULT_PORT,
        expected: inputs.expectedReplicas,
        replicas: inputs.replicas,
        newKey: () => crypto.randomUUID(),
        viaSentinel: (inputs.sentinel ?? undefined) !== undefined,
    };
}

function newGroup(inputs: ReplicationCheckInputs): Group {
    const masterPort = inputs.masterPort ?? REDIS_DEFAULT_PORT;
    const targets = new Map<NodeState, ReplicaTarget>();
    const master = makeNode("master", { name: inputs.masterContainer, endpoint: inputs.masterEndpoint, ip: inputs.masterIp }, masterPort);
    targets.set(master, { name: master.name, endpoint: master.endpoint, ip: inputs.masterIp, port: masterPort });
    const replicas = inputs.replicas.map((r) => {
        const node = makeNode("replica", r, r.port ?? masterPort);
        targets.set(node, r);
        return node;
    });
    const sentinel = inputs.sentinel ?? undefined;
    const sentinels = (sentinel?.sentinels ?? []).map((s) => makeNode("sentinel", s, s.port ?? SENTINEL_DEFAULT_PORT));
    return { master, replicas, dataNodes: [master, ...replicas], sentinels, targets, sentinel, views: [] };
}

function makeNode(role: NodeState["role"], target: { name: string; endpoint: string; ip: string }, innerPort: number): NodeState {
    const ep = parseEndpoint(target.endpoint);
    if (!ep) {
        throw new Error(`${role} ${target.name}: endpoint ${target.endpoint} is not host:port`);
    }
    return {
        role,
        name: target.name,
        endpoint: target.endpoint,
        host: ep.host,
        port: ep.port,
        address: `${target.ip}:${innerPort}`,
        readOnlyConfirmed: false,
    };
}

/** Polls until no node has a fact left; throws at once on a fatal fact, and at the deadline. */
async function waitHealthy(ctx: CheckContext, group: Group, deadline: number, timeoutMs: number, firstInterval: number): Promise<void> {
    const next = backoff({ firstMs: firstInterval, maxMs: Math.max(firstInterval, 50) }, deadline);
    for (;;) {
        const failing = (await pollOnce(ctx, group)).filter((r) => r.facts.length > 0);
        if (failing.length === 0) {
            return;
        }
        if (failing.some((r) => r.facts.some((f) => f.fatal))) {
            throw new Error(renderFailures(failing, undefined));
        }
        if (!(await next())) {
            throw new Error(renderFailures(failing, timeoutMs));
        }
    }
}

/** One poll of the group: the sentinels first, since they name the master the data nodes are judged against. */
async function pollOnce(ctx: CheckContext, group: Group): Promise<NodeFacts[]> {
    const sentinelResults = group.sentinel ? await pollSentinels(ctx, group, group.sentinel) : [];
    const results = await Promise.all([group.master, ...group.replicas].map((n) => inspectNode(ctx, n)));
    return [...results, ...sentinelResults];
}

async function pollSentinels(ctx: CheckContext, group: Group, sentinel: SentinelCheck): Promise<NodeFacts[]> {
    group.views = await Promise.all(group.sentinels.map((s) => querySentinel(ctx, s, sentinel.masterName)));
    const pick = chooseMaster(group.views, group.dataNodes, group.master);
    if (pick.master) {
        group.master = pick.master;
        group.replicas = setTopology(ctx, pick.master, group.dataNodes, group.targets);
    }
    return group.views.map((v) => ({
        node: v.node,
        facts: [...(pick.facts.get(v.node) ?? []), ...judgeSentinel(v, sentinel, group.replicas, group.sentinels)],
    }));
}

/** Makes `master` the master and every other data node its replica, as the judges expect. */
function setTopology(ctx: CheckContext, master: NodeState, dataNodes: NodeState[], targets: Map<NodeState, ReplicaTarget>): NodeState[] {
    const replicas = dataNodes.filter((n) => n !== master);
    for (const n of dataNodes) {
        const role = n === master ? "master" : "replica";
        if (n.role !== role) {
            n.role = role;
            n.readOnlyConfirmed = false;
        }
    }
    const i = master.address.lastIndexOf(":");
    ctx.masterIp = master.address.slice(0, i);
    ctx.masterPort = Number(master.address.slice(i + 1));
    ctx.replicas = replicas.map((r) => targets.get(r)!);
    ctx.expected = replicas.length;
    return replicas;
}

/** What a passing check reports: each replica's link, offset and lag as they are now, and each sentinel's view. */
async function report(ctx: CheckContext, group: Group, started: number, restoredKeys?: number): Promise<ReplicationCheckResult> {
    const { master, replicas } = group;
    const infos = await Promise.all(
        [master, ...replicas].map((n) => withNode(ctx, n, async (c) => parseInfo(await c.info("replication")))),
    );
    const masterInfo = infos[0] ?? {};
    const masterOffset = Number(masterInfo.master_repl_offset ?? 0);
    const replicaStatus: ReplicaStatus[] = replicas.map((r, i) => {
        const info = infos[i + 1] ?? {};
        const offset = Number(info.slave_repl_offset ?? 0);
        return {
            name: r.name,
            endpoint: r.endpoint,
            linkStatus: info.master_link_status ?? "unknown",
            offset,
            lagBytes: Math.max(0, masterOffset - offset),
        };
    });
    const sentinels = group.sentinel
        ? `; ${group.sentinels.length} sentinels agree on it as ${group.sentinel.masterName}, each with quorum ${group.sentinel.quorum} reachable`
        : "";
    const restored = restoredKeys === undefined ? "" : `; the ${restoredKeys} restored keys on every node`;
    const result: ReplicationCheckResult = {
        verified:
            `master ${master.name} (${master.endpoint}) with ${replicas.length} linked, read-only replicas ` +
            `(${replicas.map((r) => r.name).join(", ")}), a probe write seen on each${sentinels}${restored}`,
        masterReplId: masterInfo.master_replid ?? "",
        durationMs: Date.now() - started,
        passedAt: new Date().toISOString(),
        currentMaster: master.name,
        currentMasterEndpoint: master.endpoint,
        replicaStatus,
    };
    if (restoredKeys !== undefined) result.restoredKeys = restoredKeys;
    if (group.sentinel) {
        result.sentinelStatus = group.views.map(sentinelStatusOf);
    }
    return result;
}

function sentinelStatusOf(v: SentinelView): SentinelStatus {
    return {
        name: v.node.name,
        endpoint: v.node.endpoint,
        master: v.masterAddr ?? "",
        numSlaves: Number(v.master?.["num-slaves"]),
        numOtherSentinels: Number(v.master?.["num-other-sentinels"]),
        quorum: Number(v.master?.quorum),
    };
}

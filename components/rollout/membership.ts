// When replicas are removed: the engine deletes their containers only after every registration, so
// after the replication check. Before the check, the last NodeRejoin detaches them from the master
// (REPLICAOF NO ONE) and, with sentinels, makes the sentinels forget them (SENTINEL RESET), so the
// check sees the group as declared. Serialized with the providers (see
// docs/development.md#serialized-providers).
import { backoff } from "../redisOps/backoff";
import { PACE } from "../redisOps/constants";
import { errorMessage, formatDuration } from "../redisOps/messages";
import { pairs, slavesOf } from "../redisOps/parse";
import { addressOf, call, closeConnections, Connections, infoOf, openConnections } from "./connection";
import type { NodeRejoinInputs, RolloutNode, RolloutSentinel } from "./types";

/** The replicas (ip:port) a sentinel lists for the master. */
async function listedReplicas(conns: Connections, endpoint: string, name: string): Promise<string[]> {
    const reply = (await call(conns, endpoint, "SENTINEL", "REPLICAS", name)) as unknown[];
    return reply.map((fields) => pairs(fields).name ?? "");
}

/** The sentinel's SENTINEL MASTER fields for the group; none when it doesn't answer. */
async function sentinelMasterOf(conns: Connections, endpoint: string, masterName: string): Promise<Record<string, string>> {
    return pairs(await call(conns, endpoint, "SENTINEL", "MASTER", masterName).catch(() => []));
}

/** The replicas (ip:port) the master reports, found through the sentinel's view of the master. */
async function masterReplicas(conns: Connections, dataNodes: RolloutNode[], master: Record<string, string>): Promise<string[] | undefined> {
    const node = dataNodes.find((n) => addressOf(n) === `${master.ip}:${master.port}`);
    const info = node ? await infoOf(conns, node.endpoint) : undefined;
    if (info === undefined || typeof info === "string") return undefined;
    return slavesOf(info).map((r) => `${r.ip}:${r.port}`);
}

/** Who leaves in this `up`: every address no longer declared, and of those the nodes no longer declared at all. */
interface Leavers {
    gone: RolloutNode[];
    removed: RolloutNode[];
    /** How many other sentinels each must see again: those that answered before the resets, less itself. */
    others: number;
}

/** One look at a sentinel: whether it is done forgetting, and whether a removed node was attached again. Reads only. */
interface SentinelLook {
    done: boolean;
    /** The master lists a gone address again: a sentinel that still knew it as a replica attached it. */
    reattached: boolean;
    missing: string;
}

/** Whether the sentinel at `endpoint` lists none of the gone addresses, just the replicas the master reports, and the other running sentinels. */
async function lookAtSentinel(
    conns: Connections,
    endpoint: string,
    sentinel: RolloutSentinel,
    inputs: NodeRejoinInputs,
    leavers: Leavers,
): Promise<SentinelLook> {
    const { gone } = leavers;
    const listed = await listedReplicas(conns, endpoint, sentinel.masterName).catch((err: unknown) => [errorMessage(err)]);
    const master = await sentinelMasterOf(conns, endpoint, sentinel.masterName);
    const others = Number(master["num-other-sentinels"] ?? 0);
    const linked = await masterReplicas(conns, inputs.dataNodes, master);
    const agrees = linked !== undefined && linked.length === listed.length && linked.every((r) => listed.includes(r));
    return {
        done: !gone.some((n) => listed.includes(addressOf(n))) && agrees && others >= leavers.others,
        reattached: gone.some((n) => linked?.includes(addressOf(n))),
        missing: `lists replicas [${listed.join(", ")}] (the master reports [${linked?.join(", ") ?? "?"}]) and ${others} other sentinels`,
    };
}

/** Waits until the sentinel at `endpoint` has forgotten the leavers, detaching again a removed node attached meanwhile. */
async function waitForgotten(conns: Connections, endpoint: string, sentinel: RolloutSentinel, inputs: NodeRejoinInputs, leavers: Leavers) {
    const next = backoff(PACE.sentinelWork, Date.now() + inputs.timeoutMs);
    let look: SentinelLook | undefined;
    do {
        look = await lookAtSentinel(conns, endpoint, sentinel, inputs, leavers);
        if (look.done) return;
        if (look.reattached) await detach(conns, leavers.removed);
    } while (await next());
    const names = leavers.gone.map((n) => `${n.name} (${addressOf(n)})`).join(", ");
    throw new Error(
        `sentinel ${endpoint} did not forget ${names} within ${formatDuration(inputs.timeoutMs)}: it ${look?.missing ?? "no answer"}`,
    );
}

/**
 * Resets the sentinel at `endpoint` once it runs no failover of the group and does not judge the
 * master down: a reset clears the failover state and forgets the replicas (redis 7.0.15
 * src/sentinel.c:1532-1548), so a failover caught after its promotion would be left half done,
 * with two masters and the sentinels watching only the old one.
 */
async function resetWhenSettled(conns: Connections, endpoint: string, masterName: string, timeoutMs: number): Promise<void> {
    const next = backoff(PACE.sentinelWork, Date.now() + timeoutMs);
    let flags = "";
    do {
        flags = (await sentinelMasterOf(conns, endpoint, masterName)).flags ?? "";
        if (!/failover_in_progress|o_down/.test(flags)) {
            await call(conns, endpoint, "SENTINEL", "RESET", masterName);
            return;
        }
    } while (await next());
    throw new Error(
        `sentinel ${endpoint} still runs a failover of ${masterName} after ${formatDuration(timeoutMs)} (flags ${flags}); not reset`,
    );
}

/** REPLICAOF NO ONE on each node that answers; the unreachable are gone already. */
async function detach(conns: Connections, nodes: RolloutNode[]): Promise<void> {
    for (const node of nodes) await call(conns, node.endpoint, "REPLICAOF", "NO", "ONE").catch(() => undefined);
}

/** The sentinels that answer now, among the old and the new endpoints (a new one may not run yet, a lost one never will). */
async function runningSentinels(conns: Connections, endpoints: string[]): Promise<string[]> {
    const answers = await Promise.all(
        endpoints.map((e) =>
            call(conns, e, "PING").then(
                () => e,
                () => undefined,
            ),
        ),
    );
    return answers.filter((e): e is string => e !== undefined);
}

/**
 * Detaches the data nodes the old inputs had and the new don't, has the sentinels no longer
 * declared stop monitoring, and has the running sentinels forget every address no longer declared
 * (SENTINEL RESET). When a detached node still answers,
 * every sentinel is reset at once: a sentinel that still knew it as a replica would attach it
 * again (a node attached again meanwhile is detached again). When only addresses are gone (a node
 * moved, or lost with its host), one sentinel at a time, each back with the others before the next,
 * so a failover stays possible throughout. Each must then list just the master's replicas and see
 * the other running sentinels again (they re-learn each other within seconds).
 */
export async function removeLeavers(olds: NodeRejoinInputs, news: NodeRejoinInputs): Promise<string[]> {
    const gone = olds.dataNodes.filter((o) => !news.dataNodes.some((n) => addressOf(n) === addressOf(o)));
    const declared = news.sentinel?.endpoints ?? [];
    const leavingSentinels = (olds.sentinel?.endpoints ?? []).filter((e) => !declared.includes(e));
    if (gone.length === 0 && leavingSentinels.length === 0) return [];
    // A node still declared under its name has moved: its new container (maybe at the same
    // endpoint) is in the group already, and only its old address is to be forgotten.
    const removed = gone.filter((o) => !news.dataNodes.some((n) => n.name === o.name));
    const conns = openConnections(news, 2000);
    try {
        await detach(conns, removed);
        const sentinel = news.sentinel;
        if (sentinel) {
            // A sentinel no longer declared stops monitoring the group (its container goes after the
            // check): it would announce itself again to those reset.
            for (const e of leavingSentinels) await call(conns, e, "SENTINEL", "REMOVE", sentinel.masterName).catch(() => undefined);
            const kept = [...new Set([...(olds.sentinel?.endpoints ?? []), ...sentinel.endpoints])].filter(
                (e) => !leavingSentinels.includes(e),
            );
            const running = await runningSentinels(conns, kept);
            const leavers = { gone, removed, others: running.length - 1 };
            const stillThere = (
                await Promise.all(
                    removed.map((n) =>
                        call(conns, n.endpoint, "PING").then(
                            () => true,
                            () => false,
                        ),
                    ),
                )
            ).some(Boolean);
            if (stillThere) {
                for (const endpoint of running) await resetWhenSettled(conns, endpoint, sentinel.masterName, news.timeoutMs);
                for (const endpoint of running) await waitForgotten(conns, endpoint, sentinel, news, leavers);
            } else {
                for (const endpoint of running) {
                    await resetWhenSettled(conns, endpoint, sentinel.masterName, news.timeoutMs);
                    await waitForgotten(conns, endpoint, sentinel, news, leavers);
                }
            }
        }
        return removed.map((n) => n.name);
    } finally {
        closeConnections(conns);
    }
}

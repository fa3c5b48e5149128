// When replicas are removed: the engine deletes their containers only after every registration,
// so after the replication check. Before the check, the last NodeRejoin detaches them from the
// master (REPLICAOF NO ONE) and, with sentinels, makes the sentinels forget them (SENTINEL
// RESET), so the check sees the group as declared. Serialized with the providers (see
// the rules at the top of provider.ts).
import { backoff } from "../replicationCheck/backoff";
import { errorMessage, formatDuration } from "../replicationCheck/messages";
import { pairs, slavesOf } from "../replicationCheck/parse";
import { addressOf, call, closeConnections, Connections, infoOf, openConnections } from "./connection";
import type { NodeRejoinInputs, RolloutNode, RolloutSentinel } from "./types";

/** The replicas (ip:port) a sentinel lists for the master. */
async function listedReplicas(conns: Connections, endpoint: string, name: string): Promise<string[]> {
    const reply = (await call(conns, endpoint, "SENTINEL", "REPLICAS", name)) as unknown[];
    return reply.map((fields) => pairs(fields).name ?? "");
}

/** The replicas (ip:port) the master reports, found through the sentinel's view of the master. */
async function masterReplicas(conns: Connections, dataNodes: RolloutNode[], master: Record<string, string>): Promise<string[] | undefined> {
    const node = dataNodes.find((n) => addressOf(n) === `${master.ip}:${master.port}`);
    const info = node ? await infoOf(conns, node.endpoint) : undefined;
    if (info === undefined || typeof info === "string") return undefined;
    return slavesOf(info).map((r) => `${r.ip}:${r.port}`);
}

/**
 * Waits until the sentinel at `endpoint` lists none of `gone`, lists just the replicas the master
 * reports, and sees every other sentinel again.
 */
async function waitForgotten(
    conns: Connections,
    endpoint: string,
    sentinel: RolloutSentinel,
    inputs: NodeRejoinInputs,
    gone: RolloutNode[],
) {
    const next = backoff(50, 500, Date.now() + inputs.timeoutMs);
    let last = "no answer";
    do {
        const listed = await listedReplicas(conns, endpoint, sentinel.masterName).catch((err: unknown) => [errorMessage(err)]);
        const master = pairs(await call(conns, endpoint, "SENTINEL", "MASTER", sentinel.masterName).catch(() => []));
        const others = Number(master["num-other-sentinels"] ?? 0);
        const linked = await masterReplicas(conns, inputs.dataNodes, master);
        if (gone.some((n) => linked?.includes(addressOf(n)))) await detach(conns, gone);
        const agrees = linked !== undefined && linked.length === listed.length && linked.every((r) => listed.includes(r));
        if (!gone.some((n) => listed.includes(addressOf(n))) && agrees && others >= sentinel.endpoints.length - 1) return;
        last = `lists replicas [${listed.join(", ")}] (the master reports [${linked?.join(", ") ?? "?"}]) and ${others} other sentinels`;
    } while (await next());
    const names = gone.map((n) => `${n.name} (${addressOf(n)})`).join(", ");
    throw new Error(`sentinel ${endpoint} did not forget ${names} within ${formatDuration(inputs.timeoutMs)}: it ${last}`);
}

/** REPLICAOF NO ONE on each node that answers; the unreachable are gone already. */
async function detach(conns: Connections, nodes: RolloutNode[]): Promise<void> {
    for (const node of nodes) await call(conns, node.endpoint, "REPLICAOF", "NO", "ONE").catch(() => undefined);
}

/**
 * Detaches the data nodes the old inputs had and the new don't. With sentinels, every sentinel is
 * then reset at once: a sentinel that still knew a detached node as a replica would attach it
 * again. Each must then list just the master's replicas and see the other sentinels again (they
 * re-learn each other within seconds); a node attached again meanwhile is detached again.
 */
export async function removeLeavers(olds: NodeRejoinInputs, news: NodeRejoinInputs): Promise<string[]> {
    const gone = olds.dataNodes.filter((o) => !news.dataNodes.some((n) => addressOf(n) === addressOf(o)));
    if (gone.length === 0) return [];
    const conns = openConnections(news, 2000);
    try {
        await detach(conns, gone);
        const sentinel = news.sentinel;
        if (sentinel) {
            for (const endpoint of sentinel.endpoints) await call(conns, endpoint, "SENTINEL", "RESET", sentinel.masterName);
            for (const endpoint of sentinel.endpoints) await waitForgotten(conns, endpoint, sentinel, news, gone);
        }
        return gone.map((n) => n.name);
    } finally {
        closeConnections(conns);
    }
}

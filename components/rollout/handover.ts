// Before a data node's container is replaced, with sentinels: if the node is the current master,
// the sentinels fail over to another node first, and the node's new container starts as a replica
// of whichever node is master then. Serialized with the providers (see
// docs/development.md#serialized-providers).
import { backoff } from "../redisOps/backoff";
import { PACE } from "../redisOps/constants";
import { errorMessage, formatDuration } from "../redisOps/messages";
import { parseEndpoint, slavesOf } from "../redisOps/parse";
import { addressOf, answeringAt, call, closeConnections, Connections, infoOf, openConnections, placesOf } from "./connection";
import type { HandoverResult, NodeHandoverInputs, RolloutNode } from "./types";

/**
 * Where the handover finds things while the node still runs as it was: the node at its old place,
 * the sentinels at their old endpoints (they are replaced after the data nodes) and then the new
 * ones, every data node at its new place (if replaced already) or its old one.
 */
interface Running {
    node: RolloutNode;
    sentinels: string[];
    places: RolloutNode[];
}

function runningOf(news: NodeHandoverInputs, olds?: NodeHandoverInputs): Running {
    return {
        node: olds?.node ?? news.node,
        sentinels: [...new Set([...(olds?.sentinel.endpoints ?? []), ...news.sentinel.endpoints])],
        places: placesOf(news.dataNodes, olds?.dataNodes),
    };
}

/** The master's ip:port as the sentinel at `endpoint` names it; undefined when it doesn't answer. */
async function namedBy(conns: Connections, endpoint: string, masterName: string): Promise<string | undefined> {
    const reply = await call(conns, endpoint, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName).catch(() => undefined);
    return Array.isArray(reply) && typeof reply[0] === "string" ? `${reply[0]}:${reply[1]}` : undefined;
}

/** The master's ip:port as the first sentinel that answers reports it; undefined when none answers. */
async function masterAddress(conns: Connections, inputs: NodeHandoverInputs, at: Running): Promise<string | undefined> {
    for (const endpoint of at.sentinels) {
        const named = await namedBy(conns, endpoint, inputs.sentinel.masterName);
        if (named !== undefined) return named;
    }
    return undefined;
}

/**
 * Asks the sentinels to fail over, until one accepts; then waits until they report a new master
 * that answers as one. Writes are paused meanwhile, so it looks at the paused pace: the leading
 * sentinel reports the promoted node only at its next once-a-second INFO of it, and a slower look
 * would add up to its own interval to every pause.
 */
async function failOver(conns: Connections, inputs: NodeHandoverInputs, at: Running, deadline: number): Promise<string> {
    const next = backoff(PACE.paused, deadline);
    let last = "no sentinel answered";
    let asked = false;
    do {
        if (!asked) {
            for (const endpoint of at.sentinels) {
                try {
                    await call(conns, endpoint, "SENTINEL", "FAILOVER", inputs.sentinel.masterName);
                    asked = true;
                    break;
                } catch (err) {
                    last = errorMessage(err); // e.g. NOGOODREPLICA while a replica is still syncing
                }
            }
            if (!asked) continue;
        }
        const address = await masterAddress(conns, inputs, at);
        if (address === undefined || address === addressOf(at.node)) {
            last = `the sentinels still report ${address ?? "no master"}`;
            continue;
        }
        const promoted = await answeringAt(conns, at.places, address, "master");
        if (promoted?.info.role === "master") return address;
        last = `${promoted?.node.name ?? address} does not answer as master yet${promoted ? `: role=${promoted.info.role}` : ""}`;
    } while (await next());
    throw new Error(`${inputs.node.name}: no failover away from it within ${formatDuration(inputs.timeoutMs)}: ${last}`);
}

/**
 * Waits until every sentinel that answers names the promoted node. The leader names it from its
 * promotion on (redis 7.0.15 src/sentinel.c:1664-1678); the others only once its hello reaches them
 * (2703, and every 2 s). One still naming the old master judges it down once its container stops
 * (down-after); two such are a majority without the leader, and fail over again, maybe to a replica
 * without the writes the promoted node took meanwhile. Reads only; writes go to the promoted node.
 */
async function sentinelsAgree(conns: Connections, inputs: NodeHandoverInputs, at: Running, promoted: string, deadline: number) {
    const next = backoff(PACE.sentinelPeers, deadline);
    let lagging: string[] = [];
    do {
        lagging = [];
        for (const endpoint of at.sentinels) {
            const named = await namedBy(conns, endpoint, inputs.sentinel.masterName);
            // A sentinel that doesn't answer judges nothing now; back, it hears the leader's next hello.
            if (named !== undefined && named !== promoted) lagging.push(`${endpoint} names ${named}`);
        }
        if (lagging.length === 0) return;
    } while (await next());
    throw new Error(
        `${inputs.node.name}: failed over to ${promoted}, but after ${formatDuration(inputs.timeoutMs)} not every sentinel names it (${lagging.join("; ")}); the node is not replaced while they could fail it over again`,
    );
}

/** How long a paused master gives its replicas to reach its offset before the failover goes ahead all the same. */
const CATCH_UP_MS = 2000;

/**
 * Waits, writes paused, until every replica the master lists has its offset: whichever the
 * sentinels promote then holds every write the master took.
 */
async function replicasCaughtUp(conns: Connections, endpoint: string, deadline: number): Promise<void> {
    const next = backoff(PACE.paused, deadline);
    do {
        const info = await infoOf(conns, endpoint);
        if (typeof info === "string") return;
        const offset = info.master_repl_offset ?? "";
        if (slavesOf(info).every((r) => r.offset === offset)) return;
    } while (await next());
}

/**
 * What a new node's container is to follow: the master the sentinels report (after a failover,
 * not the node deployed as master), or as deployed when no sentinel answers yet (a first deploy
 * starts them last).
 */
export async function followCurrent(inputs: NodeHandoverInputs): Promise<HandoverResult> {
    const conns = openConnections(inputs, 1000);
    try {
        const current = await masterAddress(conns, inputs, runningOf(inputs));
        if (current === undefined) return { replicaOf: inputs.deployedReplicaOf };
        return { replicaOf: current === addressOf(inputs.node) ? "" : current };
    } finally {
        closeConnections(conns);
    }
}

/**
 * What the node's container is to follow: fails over first when the node is the master the
 * sentinels report. Writes on it are paused meanwhile (CLIENT PAUSE WRITE): a write it took after
 * the promotion, acknowledged by a replica not yet moved over, would be lost with its replica's
 * resync. Before the failover its replicas catch up with it; after it, it is made a replica of the
 * promoted node, and its clients are disconnected, before it is unpaused: they ask the sentinels again.
 * It returns, and the node's container may stop, once every sentinel names the promoted node.
 * The node is addressed where it runs now (`olds`), never where its new container will be.
 */
export async function handOver(inputs: NodeHandoverInputs, olds?: NodeHandoverInputs): Promise<HandoverResult> {
    const conns = openConnections(inputs, 2000);
    const at = runningOf(inputs, olds);
    const node = at.node.endpoint;
    try {
        const current = await masterAddress(conns, inputs, at);
        if (current === undefined) {
            throw new Error(`${inputs.node.name}: no sentinel answers, so the current master is unknown; the node is not replaced blind`);
        }
        if (current !== addressOf(at.node)) return { replicaOf: current };
        await call(conns, node, "CLIENT", "PAUSE", inputs.timeoutMs, "WRITE");
        await replicasCaughtUp(conns, node, Date.now() + Math.min(CATCH_UP_MS, inputs.timeoutMs));
        const promoted = await failOver(conns, inputs, at, Date.now() + inputs.timeoutMs);
        // Sentinel demotes the old master only at a later look: unpaused before that, it would take
        // writes that a replica not yet moved over acknowledges, lost with that replica's resync.
        const to = parseEndpoint(promoted)!;
        await call(conns, node, "REPLICAOF", to.host, to.port);
        // Its clients are sent away at once rather than meeting READONLY one command at a time:
        // a Sentinel client reconnects and asks the sentinels, which name the promoted node now.
        // A command still paused was never run, so a client that resends it writes it once.
        await call(conns, node, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        await call(conns, node, "CLIENT", "UNPAUSE");
        await sentinelsAgree(conns, inputs, at, promoted, Date.now() + inputs.timeoutMs);
        return { replicaOf: promoted, failedOverTo: at.places.find((n) => addressOf(n) === promoted)?.name };
    } finally {
        await call(conns, node, "CLIENT", "UNPAUSE").catch(() => undefined);
        closeConnections(conns);
    }
}

// Waiting until a data node is back in the group: answering, in the role it was deployed for;
// a replica linked to its master and caught up with the master's offset as it was when the link
// came up; a master with every other data node linked to it. Serialized with the providers (see
// docs/development.md#serialized-providers).
import { backoff } from "../redisOps/backoff";
import { PACE, REDIS_DEFAULT_PORT } from "../redisOps/constants";
import { formatDuration } from "../redisOps/messages";
import { slavesOf } from "../redisOps/parse";
import { addressOf, answeringAt, call, closeConnections, Connections, infoOf, openConnections, placesOf } from "./connection";
import type { NodeRejoinInputs, RejoinResult, RolloutNode } from "./types";

/** One look at the node: the result when it is back, or what is still missing. */
interface Look {
    done?: RejoinResult;
    missing: string;
    /** A master that answers as one, waiting for its replicas' links. */
    linking?: boolean;
}

/**
 * The replicas of this master that never had a link and are not taking their first snapshot, not
 * yet nudged. Reads only.
 */
async function neverLinked(conns: Connections, inputs: NodeRejoinInputs, nudged: Set<string>): Promise<RolloutNode[]> {
    const me = addressOf(inputs.node);
    const idle: RolloutNode[] = [];
    for (const n of inputs.dataNodes) {
        if (addressOf(n) === me || nudged.has(n.endpoint)) continue;
        const info = await infoOf(conns, n.endpoint);
        if (typeof info === "string" || info.role !== "slave" || `${info.master_host}:${info.master_port}` !== me) continue;
        // Linked, linked before, or taking its first snapshot: nothing to hurry.
        if (info.master_link_status === "up" || info.master_link_down_since_seconds !== "-1" || info.master_sync_in_progress === "1")
            continue;
        idle.push(n);
    }
    return idle;
}

/**
 * A first deploy starts the replicas beside the master, and Redis retries a replica's refused
 * connect only once a second: each replica that never had a link to this master is told to
 * connect now (REPLICAOF NO ONE, then REPLICAOF the master, which connects at once), once.
 */
async function nudge(conns: Connections, inputs: NodeRejoinInputs, replicas: RolloutNode[], nudged: Set<string>): Promise<void> {
    for (const n of replicas) {
        nudged.add(n.endpoint);
        await call(conns, n.endpoint, "REPLICAOF", "NO", "ONE");
        await call(conns, n.endpoint, "REPLICAOF", inputs.node.ip, inputs.node.port ?? REDIS_DEFAULT_PORT);
    }
}

/** How long a master's wait gives its replicas to link: what is still unlinked then, the check names, with its cause. */
const LINK_GRACE_MS = 10_000;

/**
 * A master is back once it answers as master, and its replicas (every other data node) are
 * linked to it again, or their grace has run out.
 */
async function lookAtMaster(conns: Connections, inputs: NodeRejoinInputs, started: number): Promise<Look> {
    const info = await infoOf(conns, inputs.node.endpoint);
    if (typeof info === "string") return { missing: info };
    if (info.loading === "1") return { missing: "still loading its dataset" };
    if (info.role !== "master") return { missing: `role=${info.role} (expected master)` };
    const online = slavesOf(info).filter((r) => r.state === "online").length;
    const expected = inputs.dataNodes.length - 1;
    const offset = Number(info.master_repl_offset ?? 0);
    const waitedMs = Date.now() - started;
    if (online < expected && waitedMs < Math.min(LINK_GRACE_MS, inputs.timeoutMs - 500)) {
        return { missing: `${online} of ${expected} replicas linked`, linking: true };
    }
    return { missing: "", done: { role: "master", offset, waitedMs, linked: online === expected && expected > 0 } };
}

/** The replica's state; `target` is the master offset to reach, fixed the first time the link is seen up. */
async function lookAtReplica(
    conns: Connections,
    inputs: NodeRejoinInputs,
    places: RolloutNode[],
    state: { target?: number; requireLink: boolean; started: number },
): Promise<Look> {
    const info = await infoOf(conns, inputs.node.endpoint);
    if (typeof info === "string") return { missing: info };
    if (info.loading === "1") return { missing: "still loading its dataset" };
    if (info.role !== "slave") return { missing: `role=${info.role} (expected a replica of ${inputs.replicaOf})` };
    const follows = `${info.master_host}:${info.master_port}`;
    if (follows !== inputs.replicaOf) return { missing: `follows ${follows} (expected ${inputs.replicaOf})` };
    const waitedMs = Date.now() - state.started;
    const offset = Number(info.slave_repl_offset ?? 0);
    if (!state.requireLink) return { missing: "", done: { role: "replica", offset, waitedMs, linked: false } };
    if (info.master_link_status !== "up") return { missing: `master_link_status=${info.master_link_status}` };
    if (state.target === undefined) {
        const m = await answeringAt(conns, places, inputs.replicaOf, "master");
        if (!m) return { missing: `its master ${inputs.replicaOf} does not answer at any place it has in this up` };
        state.target = Number(m.info.master_repl_offset ?? 0);
    }
    if (offset < state.target) return { missing: `offset ${offset} behind the master's ${state.target}` };
    return { missing: "", done: { role: "replica", offset, waitedMs, linked: true } };
}

/**
 * Waits until the node is back. `requireLink` false (a node just created) only waits for a replica
 * to answer as a replica of the right master, and has a master nudge its unlinked replicas. The master is looked for where it runs in this up:
 * its new place or, until it is replaced, its old one (`olds`). A replica told to follow an
 * address no node had before (its master moves later in this up) needs the link only if that
 * address answers already: the master's own wait then waits for the link.
 */
export async function waitRejoined(inputs: NodeRejoinInputs, requireLink: boolean, olds?: NodeRejoinInputs): Promise<RejoinResult> {
    const started = Date.now();
    const deadline = started + inputs.timeoutMs;
    const conns = openConnections(inputs, Math.min(2000, Math.max(500, inputs.timeoutMs)));
    const places = placesOf(inputs.dataNodes, olds?.dataNodes);
    const movedMaster = olds !== undefined && inputs.replicaOf !== "" && !olds.dataNodes.some((n) => addressOf(n) === inputs.replicaOf);
    const link: boolean | "auto" = movedMaster ? "auto" : requireLink;
    try {
        const state = {
            requireLink: link === "auto" ? (await answeringAt(conns, places, inputs.replicaOf)) !== undefined : link,
            started,
            target: undefined as number | undefined,
        };
        const next = backoff(PACE.node, deadline);
        const nudged = new Set<string>();
        let last: Look = { missing: "no answer yet" };
        do {
            last = inputs.replicaOf === "" ? await lookAtMaster(conns, inputs, started) : await lookAtReplica(conns, inputs, places, state);
            if (last.done) return last.done;
            if (last.linking && requireLink === false) {
                await neverLinked(conns, inputs, nudged)
                    .then((idle) => nudge(conns, inputs, idle, nudged))
                    .catch(() => undefined);
            }
        } while (await next());
        const role = inputs.replicaOf === "" ? "master" : "replica";
        throw new Error(
            `${role} ${inputs.node.name} (${inputs.node.endpoint}): not back in the group after ${formatDuration(inputs.timeoutMs)}: ${last.missing}`,
        );
    } finally {
        closeConnections(conns);
    }
}

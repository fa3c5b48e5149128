// Before a data node's container is replaced, with sentinels: if the node is the current master,
// the sentinels fail over to another node first, and the node's new container starts as a
// replica of whichever node is master then. After a removed replica's container is gone, the
// sentinels forget it. Serialized with the providers (see the rules at the top of provider.ts).
import { backoff } from "../replicationCheck/backoff";
import { errorMessage, formatDuration } from "../replicationCheck/messages";
import { addressOf, call, closeConnections, Connections, infoOf, openConnections } from "./connection";
import type { HandoverResult, NodeHandoverInputs } from "./types";

/** The master's ip:port as the first sentinel that answers reports it; undefined when none answers. */
async function masterAddress(conns: Connections, inputs: NodeHandoverInputs): Promise<string | undefined> {
    for (const endpoint of inputs.sentinel.endpoints) {
        try {
            const reply = await call(conns, endpoint, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", inputs.sentinel.masterName);
            if (Array.isArray(reply) && typeof reply[0] === "string") return `${reply[0]}:${reply[1]}`;
        } catch {
            // Try the next sentinel.
        }
    }
    return undefined;
}

/** Asks the sentinels to fail over, until one accepts; then waits for a new master that answers as one. */
async function failOver(conns: Connections, inputs: NodeHandoverInputs, deadline: number): Promise<string> {
    const next = backoff(50, 500, deadline);
    let last = "no sentinel answered";
    let asked = false;
    do {
        if (!asked) {
            for (const endpoint of inputs.sentinel.endpoints) {
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
        const address = await masterAddress(conns, inputs);
        const promoted = inputs.dataNodes.find((n) => addressOf(n) === address && address !== addressOf(inputs.node));
        if (!promoted) {
            last = `the sentinels still report ${address ?? "no master"}`;
            continue;
        }
        const info = await infoOf(conns, promoted.endpoint);
        if (typeof info !== "string" && info.role === "master") return addressOf(promoted);
        last = `${promoted.name} does not answer as master yet: ${typeof info === "string" ? info : `role=${info.role}`}`;
    } while (await next());
    throw new Error(`${inputs.node.name}: no failover away from it within ${formatDuration(inputs.timeoutMs)}: ${last}`);
}

/** What the node's container is to follow: fails over first when the node is the master the sentinels report. */
export async function handOver(inputs: NodeHandoverInputs): Promise<HandoverResult> {
    const conns = openConnections(inputs.password, 2000);
    try {
        const current = await masterAddress(conns, inputs);
        if (current === undefined) {
            throw new Error(`${inputs.node.name}: no sentinel answers, so the current master is unknown; the node is not replaced blind`);
        }
        if (current !== addressOf(inputs.node)) return { replicaOf: current };
        const promoted = await failOver(conns, inputs, Date.now() + inputs.timeoutMs);
        return { replicaOf: promoted, failedOverTo: inputs.dataNodes.find((n) => addressOf(n) === promoted)?.name };
    } finally {
        closeConnections(conns);
    }
}

/** The replicas (ip:port) a sentinel lists for the master. */
async function listedReplicas(conns: Connections, endpoint: string, name: string): Promise<string[]> {
    const reply = (await call(conns, endpoint, "SENTINEL", "REPLICAS", name)) as string[][];
    return reply.map((fields) => fields[fields.indexOf("name") + 1] ?? "");
}

/** The replicas (ip:port) the master reports, found through the sentinel's master address. */
async function masterReplicas(conns: Connections, inputs: NodeHandoverInputs, master: string[]): Promise<string[] | undefined> {
    const at = `${master[master.indexOf("ip") + 1]}:${master[master.indexOf("port") + 1]}`;
    const node = inputs.dataNodes.find((n) => addressOf(n) === at);
    const info = node ? await infoOf(conns, node.endpoint) : undefined;
    if (info === undefined || typeof info === "string") return undefined;
    return Object.keys(info)
        .filter((k) => /^slave\d+$/.test(k))
        .map((k) => {
            const fields = Object.fromEntries((info[k] ?? "").split(",").map((kv) => kv.split("=")));
            return `${fields.ip}:${fields.port}`;
        });
}

/**
 * Waits until the sentinel at `endpoint` lists the node no more, lists just the replicas the
 * master reports, and sees every other sentinel again.
 */
async function waitForgotten(conns: Connections, endpoint: string, inputs: NodeHandoverInputs): Promise<void> {
    const name = inputs.sentinel.masterName;
    const next = backoff(50, 500, Date.now() + inputs.timeoutMs);
    let last = "no answer";
    do {
        const listed = await listedReplicas(conns, endpoint, name).catch((err: unknown) => [errorMessage(err)]);
        const master = (await call(conns, endpoint, "SENTINEL", "MASTER", name).catch(() => [])) as string[];
        const others = Number(master[master.indexOf("num-other-sentinels") + 1] ?? 0);
        const linked = await masterReplicas(conns, inputs, master);
        // No master answers: the whole group is going (pulumi destroy), and there is nothing to agree with.
        if (linked === undefined && master.length > 0) return;
        const agrees = linked !== undefined && linked.length === listed.length && linked.every((r) => listed.includes(r));
        if (!listed.includes(addressOf(inputs.node)) && agrees && others >= inputs.sentinel.endpoints.length - 1) return;
        last = `lists replicas [${listed.join(", ")}] (the master reports [${linked?.join(", ") ?? "?"}]) and ${others} other sentinels`;
    } while (await next());
    throw new Error(
        `sentinel ${endpoint} did not forget ${inputs.node.name} (${addressOf(inputs.node)}) within ${formatDuration(inputs.timeoutMs)}: it ${last}`,
    );
}

/**
 * The node is gone: each sentinel in turn forgets it (SENTINEL RESET), and lists it no more and
 * sees all the other sentinels again before the next is reset, so the quorum holds throughout.
 * Sentinels that don't answer (the whole group is being destroyed) are passed over.
 */
export async function forget(inputs: NodeHandoverInputs): Promise<void> {
    const conns = openConnections(inputs.password, 2000);
    try {
        for (const endpoint of inputs.sentinel.endpoints) {
            const reset = await call(conns, endpoint, "SENTINEL", "RESET", inputs.sentinel.masterName).then(
                () => true,
                () => false,
            );
            if (reset) await waitForgotten(conns, endpoint, inputs);
        }
    } finally {
        closeConnections(conns);
    }
}

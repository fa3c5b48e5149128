// Waiting until a replaced sentinel is back in the group: it monitors the master as a master, sees
// the replicas and every other sentinel, and can reach its quorum (SENTINEL CKQUORUM). The next
// sentinel is replaced only then, so a failover stays possible throughout. Serialized with the
// providers (see docs/development.md#serialized-providers).
import { backoff } from "../redisOps/backoff";
import { PACE } from "../redisOps/constants";
import { errorMessage, formatDuration } from "../redisOps/messages";
import { pairs } from "../redisOps/parse";
import { call, closeConnections, openConnections } from "./connection";
import type { SentinelRejoinInputs } from "./types";

/** What is still missing of the sentinel's view, or "" when it is back. */
async function missingOf(conns: ReturnType<typeof openConnections>, inputs: SentinelRejoinInputs): Promise<string> {
    const master = pairs((await call(conns, inputs.endpoint, "SENTINEL", "MASTER", inputs.masterName)) as unknown[]);
    const others = Number(master["num-other-sentinels"] ?? 0);
    const replicas = Number(master["num-slaves"] ?? 0);
    if (master.flags !== "master") return `the master's flags are ${master.flags}`;
    if (replicas < inputs.replicas) return `it sees ${replicas} of ${inputs.replicas} replicas`;
    if (others < inputs.sentinels - 1) return `it sees ${others} of the ${inputs.sentinels - 1} other sentinels`;
    const quorum = String(await call(conns, inputs.endpoint, "SENTINEL", "CKQUORUM", inputs.masterName));
    return quorum.startsWith("OK") ? "" : quorum;
}

/** Waits until the sentinel is back with its view of the group and its quorum; returns how long that took. */
export async function waitSentinelRejoined(inputs: SentinelRejoinInputs): Promise<number> {
    const started = Date.now();
    const conns = openConnections(inputs, Math.min(2000, Math.max(500, inputs.timeoutMs)));
    const next = backoff(PACE.sentinelPeers, started + inputs.timeoutMs);
    let last = "no answer yet";
    try {
        do {
            try {
                last = await missingOf(conns, inputs);
                if (last === "") return Date.now() - started;
            } catch (err) {
                last = errorMessage(err);
            }
        } while (await next());
    } finally {
        closeConnections(conns);
    }
    throw new Error(
        `sentinel ${inputs.name} (${inputs.endpoint}): not back in the group after ${formatDuration(inputs.timeoutMs)}: ${last}`,
    );
}

// The probe: proof that writes on the master really reach every replica. Serialized with the
// provider (see docs/development.md#serialized-providers).
import type { Redis as RedisClient } from "ioredis";
import { backoff } from "../redisOps/backoff";
import { PACE } from "../redisOps/constants";
import { describeError, ensureConnected, withNode } from "./connection";
import { PROBE_PREFIX } from "./constants";
import type { CheckContext, NodeState } from "./context";
import { formatDuration } from "../redisOps/messages";
import { nodeError, renderFailures } from "./messages";

/**
 * Writes a probe key with a TTL on the master, WAITs for every replica, reads it back on each,
 * deletes it and sees it gone everywhere. Throws one error naming the nodes that failed.
 */
export async function probeReplication(ctx: CheckContext, master: NodeState, replicas: NodeState[], budgetMs: number): Promise<void> {
    const deadline = Date.now() + budgetMs;
    const key = `${PROBE_PREFIX}${ctx.newKey()}`;
    const value = ctx.newKey();
    const m = await withNode(ctx, master, async (c) => c);
    let deleted = false;
    try {
        await m.set(key, value, "PX", 30000);
        await waitAcknowledged(m, master, replicas.length, deadline, budgetMs);
        await expectOnReplicas(
            ctx,
            replicas,
            deadline,
            async (c) => (await c.get(key)) === value,
            `probe key written on the master not seen within ${formatDuration(budgetMs)}`,
        );
        await m.del(key);
        deleted = true;
        await expectOnReplicas(
            ctx,
            replicas,
            deadline,
            async (c) => (await c.exists(key)) === 0,
            `probe key deleted on the master still present after ${formatDuration(budgetMs)}`,
        );
    } finally {
        if (!deleted && m.status === "ready") {
            await m.del(key).catch(() => undefined);
        }
    }
}

/** WAITs until `n` replicas acknowledged the master's writes; throws when the deadline comes first. */
async function waitAcknowledged(m: RedisClient, master: NodeState, n: number, deadline: number, budgetMs: number): Promise<void> {
    let acked = 0;
    // WAIT in short slices so no single command nears commandTimeout; bounded by the deadline.
    for (;;) {
        acked = Number(await m.call("WAIT", n, Math.max(1, Math.min(100, deadline - Date.now()))));
        if (acked >= n || Date.now() >= deadline) {
            break;
        }
    }
    if (acked < n) {
        throw nodeError(master, {
            what: `WAIT ${n} acknowledged by ${acked} replica(s) within ${formatDuration(budgetMs)}`,
            hint: "a replica is linked but does not apply writes",
        });
    }
}

/** Polls every replica until `done` holds on each; throws one error naming those where it never did. */
async function expectOnReplicas(
    ctx: CheckContext,
    replicas: NodeState[],
    deadline: number,
    done: (client: RedisClient) => Promise<boolean>,
    what: string,
): Promise<void> {
    const seen = await Promise.all(replicas.map((r) => pollReplica(ctx, r, done, deadline)));
    const failing = replicas
        .map((node, i) => ({ node, last: seen[i] }))
        .filter((x) => x.last !== undefined)
        .map((x) => ({ node: x.node, facts: [{ what: `${what}${x.last}` }] }));
    if (failing.length > 0) {
        throw new Error(renderFailures(failing, undefined));
    }
}

/** Polls one replica until `done` holds; returns undefined, or what it saw last. */
async function pollReplica(
    ctx: CheckContext,
    node: NodeState,
    done: (client: RedisClient) => Promise<boolean>,
    deadline: number,
): Promise<string | undefined> {
    const next = backoff(PACE.probe, deadline);
    let last = "";
    for (;;) {
        try {
            if (await done(await ensureConnected(ctx, node))) {
                return undefined;
            }
            last = "";
        } catch (err) {
            last = ` (${describeError(ctx, node, err).what})`;
        }
        if (!(await next())) {
            return last;
        }
    }
}

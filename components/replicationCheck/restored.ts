// After a restore: every data node must hold the restored file's keys. Keys with an expiry may have
// gone since the seed looked, so the master's count lies between the keys without one and every key
// not yet expired then; each replica must hold what the master holds. Serialized with the provider
// (see docs/development.md#serialized-providers).
import { backoff } from "../redisOps/backoff";
import { PACE } from "../redisOps/constants";
import { withNode } from "./connection";
import type { CheckContext, NodeState } from "./context";
import { formatDuration } from "../redisOps/messages";
import type { RestoredKeys } from "./types";

/** Polls DBSIZE on every data node until they agree with the file; throws at the deadline with what each held. */
export async function verifyRestored(
    ctx: CheckContext,
    nodes: { master: NodeState; replicas: NodeState[] },
    restored: RestoredKeys,
    deadline: number,
    timeoutMs: number,
): Promise<number> {
    const most = restored.keys - restored.alreadyExpired;
    const least = restored.keys - restored.expires;
    const next = backoff(PACE.node, deadline);
    const all = [nodes.master, ...nodes.replicas];
    for (;;) {
        const sizes = await Promise.all(all.map((n) => withNode(ctx, n, async (c) => Number(await c.dbsize()))));
        const master = sizes[0]!;
        const masterFits = master >= least && master <= most;
        if (masterFits && sizes.every((s) => s === master)) return master;
        if (!(await next())) {
            const held = all.map((n, i) => `${n.role} ${n.name} (${n.endpoint}) holds ${sizes[i]}`).join("; ");
            const want = least === most ? `${most}` : `${least} to ${most} (keys with an expiry may have gone)`;
            throw new Error(
                `restored data not on every node after ${formatDuration(timeoutMs)}: ${held}; ` +
                    `${restored.file} has ${want} keys, and every replica must hold what the master holds`,
            );
        }
    }
}

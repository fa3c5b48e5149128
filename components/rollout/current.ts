// What the program reads of a running group before it declares the rollout (as an invoke would):
// the master the sentinels report now, and whether any sentinel runs. The chain is ordered by it,
// so that a rollout fails over once. Runs in the program, never in a provider.
import * as pulumi from "@pulumi/pulumi";
import type { ClientLogin } from "../redisOps/client";
import { call, closeConnections, openConnections } from "./connection";
import type { RolloutSentinel } from "./types";

/** What the sentinels report when the program runs. */
export interface SentinelView {
    /** ip:port of the master as the answering sentinels report it (the most of them); undefined when none answers. */
    master?: string;
    /** How many sentinels answered. */
    answered: number;
}

/** How long one sentinel may take to answer: a first deploy, where none runs, is refused at once. */
const READ_TIMEOUT_MS = 1000;

/** Asks every sentinel at once for the master's address. Never throws: a sentinel that fails counts as not answering. */
export async function askSentinels(sentinel: RolloutSentinel, login: ClientLogin): Promise<SentinelView> {
    const conns = openConnections(login, READ_TIMEOUT_MS);
    try {
        const replies = await Promise.all(
            sentinel.endpoints.map((endpoint) =>
                call(conns, endpoint, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", sentinel.masterName).then(
                    (reply) => (Array.isArray(reply) && typeof reply[0] === "string" ? `${reply[0]}:${reply[1]}` : undefined),
                    () => undefined,
                ),
            ),
        );
        const seen = replies.filter((r): r is string => r !== undefined);
        const votes = new Map<string, number>();
        for (const r of seen) votes.set(r, (votes.get(r) ?? 0) + 1);
        const master = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
        return { master, answered: seen.length };
    } finally {
        closeConnections(conns);
    }
}

/** The sentinels' view, read once when the program runs (in a preview too). */
export function readSentinels(
    sentinel: RolloutSentinel,
    login: { username: string; password: pulumi.Output<string>; tls?: pulumi.Output<ClientLogin["tls"]> },
): pulumi.Output<SentinelView> {
    return pulumi
        .all([login.password, login.tls])
        .apply(([password, tls]) => askSentinels(sentinel, { username: login.username, password, tls: tls ?? undefined }));
}

/**
 * The order the data nodes are replaced in, by key: the plan's (replicas, then the master), except
 * that the node the sentinels report as master goes last, so the one failover lands on a node
 * already replaced.
 */
export function rolloutOrder(planned: { key: string; address: string }[], current: string | undefined): string[] {
    const keys = planned.map((n) => n.key);
    const master = planned.find((n) => n.address === current);
    if (!master) return keys;
    return [...keys.filter((k) => k !== master.key), master.key];
}

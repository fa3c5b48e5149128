// Password rotation in two steps, so no client and no link ever meets a refusal. The group's
// password is the application user's (default) on the nodes and the sentinels; replicas and
// sentinels log in to the nodes as their own users, which the rotation leaves alone. Before the
// rollout: every node and sentinel admits the new password beside the old one (ACL keeps both),
// and the sentinels log in to each other with the new one (sentinel-pass). After the rollout:
// the old one is retired. Links made with the old password stay up: Redis checks a password only
// when a connection authenticates.
// Serialized with the providers (see docs/development.md#serialized-providers).
import { backoff } from "../redisOps/backoff";
import { PACE } from "../redisOps/constants";
import { errorMessage } from "../redisOps/messages";
import { LiveClient, run } from "./connection";

/**
 * Waits until the sentinel has its links back (each change above drops them) and can reach its
 * quorum again: the next sentinel changes only then, so the group never loses its quorum.
 */
export async function waitSentinelBack(s: LiveClient, masterName: string, waitMs: number): Promise<void> {
    const next = backoff(PACE.node, Date.now() + waitMs);
    let last = "";
    do {
        try {
            const quorum = String(await s.client.call("SENTINEL", "CKQUORUM", masterName));
            const master = (await s.client.call("SENTINEL", "MASTER", masterName)) as string[];
            const flags = master[master.indexOf("flags") + 1] ?? "";
            if (quorum.startsWith("OK") && flags === "master") return;
            last = `${quorum}; master flags ${flags}`;
        } catch (err) {
            last = errorMessage(err);
        }
    } while (await next());
    throw new Error(`${s.name}: its links did not come back after the change within ${waitMs} ms: ${last}`);
}

/** Step 1: both passwords are taken everywhere; sentinels authenticate to each other with `next`. */
export async function admitPassword(
    data: LiveClient[],
    sentinels: LiveClient[],
    masterName: string | undefined,
    passwords: { next: string; prev?: string; waitMs: number },
): Promise<void> {
    const { next, prev, waitMs } = passwords;
    const secrets = [next, prev];
    for (const node of data) {
        await run(node, secrets, "ACL", "SETUSER", "default", `>${next}`);
        await run(node, secrets, "CONFIG", "REWRITE");
    }
    // Every sentinel takes `next` before any sentinel uses it towards the others.
    for (const s of sentinels) await run(s, secrets, "ACL", "SETUSER", "default", `>${next}`);
    // One sentinel at a time; the change drops and remakes that sentinel's links, with `next`.
    for (const s of sentinels) {
        // Also flushes the sentinel's config, the ACL above included.
        await run(s, secrets, "SENTINEL", "CONFIG", "SET", "sentinel-pass", next);
        await waitSentinelBack(s, masterName!, waitMs);
    }
}

/** Step 2: `next` alone is taken, and that is what each node and sentinel keeps on disk. */
export async function retireOtherPasswords(data: LiveClient[], sentinels: LiveClient[], next: string, prev?: string): Promise<void> {
    const secrets = [next, prev];
    for (const node of data) {
        await run(node, secrets, "ACL", "SETUSER", "default", "resetpass", `>${next}`);
        await run(node, secrets, "CONFIG", "REWRITE");
    }
    for (const s of sentinels) {
        await run(s, secrets, "ACL", "SETUSER", "default", "resetpass", `>${next}`);
        await run(s, secrets, "SENTINEL", "FLUSHCONFIG");
    }
}

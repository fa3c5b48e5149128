// The group's ACL users on running nodes and sentinels: what a group from before it had them lacks,
// and what a change of the application user's rules changes. In an order that never leaves a link
// without a login: every user exists before anything logs in as it, and the application user loses
// the admin commands last. Serialized with the providers (see
// docs/development.md#serialized-providers).
import { LiveClient, run } from "./connection";
import { waitSentinelBack } from "./password";
import type { AclSettings } from "./types";

/** Passwords that may show in an ACL command's error: kept out of messages. */
function secretsOf(acl: AclSettings, more: (string | undefined)[]): (string | undefined)[] {
    return [acl.replication.password, acl.sentinel.password, ...more];
}

/**
 * Step 1, logged in as any user that may: the group's own users and the configured ones on every
 * data node (a configured user no longer declared deleted), replicas
 * logging in to their master as the replication user, and on every sentinel the admin user and
 * the sentinel user's login to the nodes (one sentinel at a time, each back before the next).
 */
export async function ensureGroupUsers(
    data: LiveClient[],
    sentinels: LiveClient[],
    masterName: string | undefined,
    acl: AclSettings,
    opts: { passwords: (string | undefined)[]; waitMs: number; removed: string[]; removedFromSentinels: string[] },
): Promise<void> {
    const secrets = secretsOf(acl, opts.passwords);
    for (const node of data) {
        for (const [user, rules] of Object.entries(acl.users))
            await run(node, secrets, "ACL", "SETUSER", user, "reset", ...rules.split(" "));
        // A removed user's open connections are closed with it.
        if (opts.removed.length > 0) await run(node, secrets, "ACL", "DELUSER", ...opts.removed);
        await run(node, secrets, "CONFIG", "SET", "masteruser", acl.replication.username, "masterauth", acl.replication.password);
        await run(node, secrets, "CONFIG", "REWRITE");
    }
    for (const s of sentinels) {
        await run(s, secrets, "ACL", "SETUSER", "admin", "reset", ...acl.sentinelAdmin.split(" "));
        for (const [user, rules] of Object.entries(acl.sentinelUsers ?? {}))
            await run(s, secrets, "ACL", "SETUSER", user, "reset", ...rules.split(" "));
        if (opts.removedFromSentinels.length > 0) await run(s, secrets, "ACL", "DELUSER", ...opts.removedFromSentinels);
    }
    for (const s of sentinels) {
        await run(s, secrets, "SENTINEL", "SET", masterName!, "auth-user", acl.sentinel.username, "auth-pass", acl.sentinel.password);
        // Also writes the admin user above into the sentinel's config.
        await run(s, secrets, "SENTINEL", "FLUSHCONFIG");
        await waitSentinelBack(s, masterName!, opts.waitMs);
    }
}

/** Step 2, logged in as admin: the application user's command rules on every data node, persisted. */
export async function applyDefaultRules(data: LiveClient[], acl: AclSettings, passwords: (string | undefined)[]): Promise<void> {
    const secrets = secretsOf(acl, passwords);
    for (const node of data) {
        await run(node, secrets, "ACL", "SETUSER", "default", ...acl.defaultRules.split(" "));
        await run(node, secrets, "CONFIG", "REWRITE");
    }
}

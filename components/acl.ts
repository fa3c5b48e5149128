// The ACL users of every data node, each with only what its job needs. Pure.
// - default: the application user, on the group's password: every command but the admin ones
//   (CONFIG, REPLICAOF, SHUTDOWN, ACL SETUSER, ...; ROLE stays) and the group's disabledCommands.
// - admin: the check, the live configuration and the rollout.
// - replication: what a replica sends its master (Redis's replication docs).
// - sentinel: what Sentinel sends a node (Redis's Sentinel docs, "Redis access control list authentication").
// - healthcheck: PING, without a password, for the image's healthcheck.
import * as crypto from "crypto";
import type { GroupPlan, UserPlan } from "../config";
import type { AclSettings } from "./liveConfig/types";

export const ADMIN_USER = "admin";
export const REPLICATION_USER = "replication";
export const SENTINEL_USER = "sentinel";
export const HEALTHCHECK_USER = "healthcheck";
/** The healthcheck user, on every data node and sentinel: PING without a password, nothing else. */
export const HEALTHCHECK_USER_LINE = `user ${HEALTHCHECK_USER} on nopass -@all +ping`;

/** The passwords of the group's own users: generated once per group, never the group password. */
export interface GroupCredentials {
    admin: string;
    replication: string;
    sentinel: string;
}

/** Each user's rules, without its password. */
const BUILT_IN_RULES: Record<keyof GroupCredentials, string> = {
    admin: "~* &* +@all",
    replication: "+psync +replconf +ping",
    sentinel:
        "allchannels +multi +slaveof +replicaof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill",
};
const USER_OF: Record<keyof GroupCredentials, string> = { admin: ADMIN_USER, replication: REPLICATION_USER, sentinel: SENTINEL_USER };

/**
 * The application user's command rules: from every command, so applying them again gives the same
 * user. ROLE is an admin command, but Sentinel-aware clients ask a node for its role after
 * connecting (Redis's Sentinel client guidelines), so the application user keeps it.
 */
export function defaultUserRules(plan: Pick<GroupPlan, "disabledCommands">): string {
    return ["~*", "&*", "+@all", "-@admin", "+role", ...plan.disabledCommands.map((c) => `-${c}`)].join(" ");
}

/** A password as ACL rules hold it: its SHA-256, so no config file or ACL LIST shows the password. */
export function hashedPassword(password: string): string {
    return `#${crypto.createHash("sha256").update(password).digest("hex")}`;
}

/** The group's own users' full rules (password included, hashed), by user name. */
export function builtInUsers(creds: GroupCredentials): Record<string, string> {
    const users: Record<string, string> = {};
    for (const key of Object.keys(BUILT_IN_RULES) as (keyof GroupCredentials)[]) {
        users[USER_OF[key]] = key === "admin" ? adminUser(creds) : `on ${hashedPassword(creds[key])} ${BUILT_IN_RULES[key]}`;
    }
    return users;
}

/** The admin user's full rules: the same on the data nodes and the sentinels. */
export function adminUser(creds: GroupCredentials): string {
    return `on ${hashedPassword(creds.admin)} ${BUILT_IN_RULES.admin}`;
}

/**
 * The `user` lines of a data node's redis.conf. `password` is the application user's, undefined
 * when auth is off (the default user then takes no password, as protected mode is off too).
 */
export function userLines(password: string | undefined, defaultRules: string, creds: GroupCredentials): string[] {
    const app = password === undefined ? "nopass" : hashedPassword(password);
    return [
        HEALTHCHECK_USER_LINE,
        `user default on ${app} ${defaultRules}`,
        ...Object.entries(builtInUsers(creds)).map(([name, rules]) => `user ${name} ${rules}`),
    ];
}

/** The configured users' full rules, by name: each on, with its password's hash. `hashes` in the order of `users`. */
export function configuredUsers(users: UserPlan[], hashes: string[]): Record<string, string> {
    return Object.fromEntries(users.map((u, i) => [u.name, `on ${hashes[i]} ${u.rules}`]));
}

/** The ACL users LiveConfig makes sure every running node and sentinel has: the group's own and the configured ones. */
export function aclSettings(
    plan: Pick<GroupPlan, "disabledCommands">,
    creds: GroupCredentials,
    configured: Record<string, string> = {},
    sentinelUsers?: Record<string, string>,
): AclSettings {
    return {
        defaultRules: defaultUserRules(plan),
        users: { ...builtInUsers(creds), ...configured },
        sentinelAdmin: adminUser(creds),
        ...(sentinelUsers === undefined ? {} : { sentinelUsers }),
        replication: { username: REPLICATION_USER, password: creds.replication },
        sentinel: { username: SENTINEL_USER, password: creds.sentinel },
    };
}

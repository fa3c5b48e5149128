// The application user's commands: `disabledCommands` removes commands from the `default` user,
// which clients log in as. The group's own users (admin, replication, sentinel) are not
// configured: their rules are fixed (components/acl.ts).
import { describe } from "./errors";
import { isAbsent, Reader } from "./reader";

/** Off for the application user unless the group says otherwise, as in the Bitnami chart. */
export const DEFAULT_DISABLED_COMMANDS: readonly string[] = ["flushall", "flushdb"];
/** A command, or a command and its subcommand (`config|set`), as ACL rules name them. */
const COMMAND_NAME = /^[a-z][a-z0-9_-]*(\|[a-z0-9_-]+)?$/;

/** The commands to remove from the application user, lower-case; [] keeps every command but the admin ones. */
export function readDisabledCommands(r: Reader, value: unknown): string[] {
    if (isAbsent(value)) return [...DEFAULT_DISABLED_COMMANDS];
    if (!Array.isArray(value)) return r.fail("disabledCommands", `must be a list of command names, got ${describe(value)}`) ?? [];
    const commands: string[] = [];
    for (const [i, entry] of value.entries()) {
        const name = r.string(entry, `disabledCommands[${i}]`);
        if (isAbsent(entry)) r.fail(`disabledCommands[${i}]`, "must be a command name");
        if (name === undefined) continue;
        if (!COMMAND_NAME.test(name.toLowerCase()))
            r.fail(`disabledCommands[${i}]`, `"${name}" is not a command name (e.g. FLUSHALL or CONFIG|SET)`);
        else commands.push(name.toLowerCase());
    }
    return [...new Set(commands)];
}

/** The group's own users: a configured user may not take their names. */
export const RESERVED_USERS: readonly string[] = ["default", "admin", "replication", "sentinel", "healthcheck", "backup", "metrics"];
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/**
 * The ACL rules a configured user may have: key and channel patterns, commands and categories,
 * and the all/reset forms. Not passwords (its password is given apart, and hashed), not on/off,
 * not selectors; nothing that could end the line in redis.conf.
 */
const USER_RULE =
    /^(~[^\s"'\\]+|%R?W?~[^\s"'\\]+|&[^\s"'\\]+|[+-]@?[a-z][a-z0-9_-]*(\|[a-z0-9_-]+)?|allkeys|resetkeys|allchannels|resetchannels|allcommands|nocommands)$/;

/** A user of the group's own, as the plan holds it: no password (that is a secret, apart). */
export interface UserPlan {
    name: string;
    /** Its ACL rules, space-separated, as ACL SETUSER takes them. */
    rules: string;
}

/**
 * Extra ACL users: each a name, rules and a password. A password known now must be 8 characters
 * or more; one that is another resource's output is hashed as it comes.
 */
export function readUsers(r: Reader, value: unknown): UserPlan[] {
    if (isAbsent(value)) return [];
    if (!Array.isArray(value)) return r.fail("users", `must be a list of { name, password, rules }, got ${describe(value)}`) ?? [];
    const users: UserPlan[] = [];
    for (const [i, entry] of value.entries()) {
        const at = `users[${i}]`;
        const u = r.object(entry, at, ["name", "password", "rules"]);
        if (!u) {
            if (isAbsent(entry)) r.fail(at, "must be an object with name, password and rules");
            continue;
        }
        const name = r.string(u.name, `${at}.name`);
        if (isAbsent(u.name)) r.fail(`${at}.name`, "is required");
        else if (name !== undefined && !USER_NAME.test(name)) r.fail(`${at}.name`, `"${name}" is not a user name (letters, digits, _ . -)`);
        else if (name !== undefined && RESERVED_USERS.includes(name.toLowerCase()))
            r.fail(`${at}.name`, `"${name}" is one of the group's own users (${RESERVED_USERS.join(", ")})`);
        else if (name !== undefined && users.some((x) => x.name === name)) r.fail(`${at}.name`, `"${name}" is given twice`);
        if (isAbsent(u.password)) r.fail(`${at}.password`, "is required");
        else if (typeof u.password === "string" && u.password.length < 8) r.fail(`${at}.password`, "must be at least 8 characters");
        const rules = r.string(u.rules, `${at}.rules`);
        if (isAbsent(u.rules)) r.fail(`${at}.rules`, 'is required, e.g. "~cache:* +@read +@write"');
        const bad = (rules ?? "").split(/\s+/).filter((rule) => rule !== "" && !USER_RULE.test(rule));
        if (bad.length > 0)
            r.fail(
                `${at}.rules`,
                `${bad.map((b) => JSON.stringify(b)).join(", ")}: not a key, channel or command rule (passwords, on/off and selectors are the group's)`,
            );
        if (name !== undefined && rules !== undefined && bad.length === 0) users.push({ name, rules: rules.trim().split(/\s+/).join(" ") });
    }
    return users;
}

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

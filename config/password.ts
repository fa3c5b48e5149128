// The nodes' password: it is written into redis.conf, so it must fit on one line unquoted.
import { GroupConfigError } from "./errors";

/** Reasons a password can't be used; [] when it can, or when auth is off. */
export function passwordProblems(password: string | undefined, auth: boolean): string[] {
    if (!auth) return [];
    if (password === undefined || password === "") {
        return ["required when group.auth is true; set it with `pulumi config set --secret password <value>`"];
    }
    const problems: string[] = [];
    if (/[\s"'\\]/.test(password)) problems.push("must not contain whitespace, newlines, quotes or backslashes (they break redis.conf)");
    if (password.length < 8) problems.push("must be at least 8 characters");
    if (password.length > 512) problems.push("must be at most 512 characters");
    return problems;
}

/** Throws a GroupConfigError naming `propertyPath` with every reason the password can't be used. */
export function assertPassword(password: string | undefined, auth: boolean, propertyPath: string): void {
    const problems = passwordProblems(password, auth);
    if (problems.length > 0) throw new GroupConfigError(problems.map((reason) => ({ propertyPath, reason })));
}

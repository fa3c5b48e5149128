// How problems in a group's settings are collected and reported: all at once, each with its
// property path, with a "did you mean" hint for a mistyped key.
import * as pulumi from "@pulumi/pulumi";
import { problemsMessage } from "./problemText";

export interface ConfigProblem {
    propertyPath: string;
    reason: string;
}

/** Every problem found in a group's settings, one per line, each with its property path. */
export class GroupConfigError extends pulumi.InputPropertiesError {
    constructor(
        public readonly problems: ConfigProblem[],
        prefix = "",
    ) {
        const errors = problems.map((p) => ({ propertyPath: prefix + p.propertyPath, reason: p.reason }));
        super({
            message: problemsMessage(errors),
            errors,
        });
        this.name = "GroupConfigError";
    }
}

/** The problems, and the warnings, found so far in a group's settings. */
export class Problems {
    readonly problems: ConfigProblem[] = [];
    /** Settings that work but are unwise. */
    readonly warnings: string[] = [];

    /** Records a problem; returns undefined, so a reader can `return this.fail(...)`. */
    fail(propertyPath: string, reason: string): undefined {
        this.problems.push({ propertyPath, reason });
        return undefined;
    }

    warn(message: string): void {
        this.warnings.push(message);
    }

    /** Throws every problem found so far as one GroupConfigError. */
    throwIfAny(): void {
        if (this.problems.length > 0) throw new GroupConfigError(this.problems);
    }
}

/** A value as a problem's reason quotes it. Never throws, so a bad value is a problem and not a crash. */
export function describe(value: unknown): string {
    if (Array.isArray(value)) return "a list";
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "bigint") return `bigint ${value}`;
    try {
        return `${typeof value} ${JSON.stringify(value)}`;
    } catch {
        // A program, unlike YAML, can pass what JSON can't write: a bigint inside, or a cycle.
        return `${typeof value} that is not JSON (a bigint or a cycle inside)`;
    }
}

/** The reason for a key outside `known`, with the known key it was probably meant to be. */
export function unknownKeyReason(key: string, known: string[]): string {
    const hint = closest(key, known);
    return `unknown key${hint ? `; did you mean "${hint}"?` : ""} (known: ${known.join(", ")})`;
}

/** The known key that differs only in case or by at most two edits (a typo), if any. */
function closest(key: string, known: string[]): string | undefined {
    const lower = key.toLowerCase();
    return known.find((k) => k.toLowerCase() === lower || editDistance(k.toLowerCase(), lower) <= 2);
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length] ?? 0;
}

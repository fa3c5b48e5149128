// Strict reading of a resource's inputs: each handler asks for the properties it honours, and
// finish() throws for any non-empty one nobody read, naming type, resource and property, so
// configuration is never silently dropped. Empty values (undefined, null, [], {}) are ignored.
import * as crypto from "crypto";
import { TEST_LABEL } from "../docker";

export function isEmpty(v: unknown): boolean {
    if (v === undefined || v === null) return true;
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === "object") return Object.keys(v as object).length === 0;
    return false;
}

/** Reads an input object; finish() throws for any non-empty property nobody read. */
export class Inputs {
    private readonly used = new Set<string>();

    constructor(
        private readonly where: string,
        private readonly obj: Record<string, unknown>,
        private readonly prefix = "",
    ) {}

    fail(key: string, msg: string): never {
        throw new Error(`${this.where}: input ${this.prefix}${key} ${msg}`);
    }

    private get(key: string): unknown {
        this.used.add(key);
        const v = this.obj[key];
        return isEmpty(v) ? undefined : v;
    }

    str(key: string): string | undefined {
        const v = this.get(key);
        if (v !== undefined && typeof v !== "string") this.fail(key, `must be a string, got ${JSON.stringify(v)}`);
        return v as string | undefined;
    }

    num(key: string): number | undefined {
        const v = this.get(key);
        if (v !== undefined && typeof v !== "number") this.fail(key, `must be a number, got ${JSON.stringify(v)}`);
        return v as number | undefined;
    }

    bool(key: string): boolean | undefined {
        const v = this.get(key);
        if (v !== undefined && typeof v !== "boolean") this.fail(key, `must be a boolean, got ${JSON.stringify(v)}`);
        return v as boolean | undefined;
    }

    strs(key: string): string[] | undefined {
        const v = this.get(key);
        if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
            this.fail(key, `must be a list of strings, got ${JSON.stringify(v)}`);
        }
        return v as string[] | undefined;
    }

    strMap(key: string): Record<string, string> | undefined {
        const v = this.get(key);
        if (v === undefined) return undefined;
        if (typeof v !== "object" || Array.isArray(v) || Object.values(v as object).some((x) => typeof x !== "string")) {
            this.fail(key, `must be a map of strings, got ${JSON.stringify(v)}`);
        }
        return v as Record<string, string>;
    }

    any(key: string): unknown {
        return this.get(key);
    }

    nested(key: string): Inputs | undefined {
        const v = this.get(key);
        if (v === undefined) return undefined;
        if (typeof v !== "object" || Array.isArray(v)) this.fail(key, `must be an object, got ${JSON.stringify(v)}`);
        return new Inputs(this.where, v as Record<string, unknown>, `${this.prefix}${key}.`);
    }

    objs(key: string): Inputs[] {
        const v = this.get(key);
        if (v === undefined) return [];
        if (!Array.isArray(v)) this.fail(key, `must be a list, got ${JSON.stringify(v)}`);
        return v.map((item, i) => {
            if (item === null || typeof item !== "object" || Array.isArray(item)) {
                this.fail(`${key}[${i}]`, `must be an object, got ${JSON.stringify(item)}`);
            }
            return new Inputs(this.where, item as Record<string, unknown>, `${this.prefix}${key}[${i}].`);
        });
    }

    /** Labels [{label, value}] as a map. */
    labels(key: string): Record<string, string> {
        const out: Record<string, string> = {};
        for (const l of this.objs(key)) {
            const label = l.str("label") ?? l.fail("label", "is required");
            const value = l.str("value") ?? "";
            l.finish();
            if (label === TEST_LABEL) this.fail(key, `must not set ${TEST_LABEL}: the live backend owns that label`);
            out[label] = value;
        }
        return out;
    }

    /** Accepted, with no effect here (listed in backend.ts's header). */
    harmless(...keys: string[]): void {
        for (const k of keys) this.used.add(k);
    }

    /** A flag this backend can't honour: fine when false or unset. */
    notTrue(key: string, why: string): void {
        if (this.bool(key) === true) this.fail(key, `= true is not supported by the live backend: ${why}`);
    }

    finish(): void {
        for (const [k, v] of Object.entries(this.obj)) {
            if (!this.used.has(k) && !isEmpty(v)) {
                this.fail(k, `is not supported by the live backend (it would be silently dropped); value ${JSON.stringify(v)}`);
            }
        }
    }
}

/** Pulumi's autonaming: logical name plus a random suffix. */
export function autoName(name: string): string {
    return `${name}-${crypto.randomBytes(4).toString("hex").slice(0, 7)}`;
}

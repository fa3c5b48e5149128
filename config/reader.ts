// Typed reads of an untyped settings object. Each read names its property path; a bad value is
// recorded as a problem and read as undefined, so the caller's default applies and reading goes on.
import { describe, Problems, unknownKeyReason } from "./errors";

export type Obj = Record<string, unknown>;

/** Whether a setting is left out: undefined or null (YAML's `~`) alike. */
export function isAbsent(value: unknown): value is undefined | null {
    return value === undefined || value === null;
}

export class Reader extends Problems {
    /** The object at path, reporting keys outside `known`. Undefined when absent or not an object. */
    object(value: unknown, path: string, known: string[]): Obj | undefined {
        if (isAbsent(value)) return undefined;
        if (typeof value !== "object" || Array.isArray(value)) return this.fail(path, `must be an object, got ${describe(value)}`);
        const obj = value as Obj;
        for (const key of Object.keys(obj)) {
            if (!known.includes(key)) this.fail(path ? `${path}.${key}` : key, unknownKeyReason(key, known));
        }
        return obj;
    }

    string(value: unknown, path: string): string | undefined {
        return this.typed(value, path, "a string", (v): v is string => typeof v === "string");
    }

    boolean(value: unknown, path: string): boolean | undefined {
        return this.typed(value, path, "true or false", (v): v is boolean => typeof v === "boolean");
    }

    /** A whole number from min to max. */
    integer(value: unknown, path: string, min: number, max: number): number | undefined {
        const n = this.typed(value, path, "a whole number", (v): v is number => typeof v === "number" && Number.isInteger(v));
        if (n !== undefined && (n < min || n > max)) return this.fail(path, `${n} is out of range ${min}-${max}`);
        return n;
    }

    /** A number above min and at most max. */
    number(value: unknown, path: string, min: number, max: number): number | undefined {
        const n = this.typed(value, path, "a number", (v): v is number => typeof v === "number" && Number.isFinite(v));
        if (n !== undefined && (n <= min || n > max)) return this.fail(path, `${n} must be above ${min} and at most ${max}`);
        return n;
    }

    oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | undefined {
        const text = this.string(value, path);
        if (text === undefined) return undefined;
        if (!(allowed as readonly string[]).includes(text)) return this.fail(path, `"${text}" is not one of ${allowed.join(", ")}`);
        return text as T;
    }

    /** Absent (undefined or null) reads as undefined; a value of another type is a problem. */
    private typed<T>(value: unknown, path: string, expected: string, is: (v: unknown) => v is T): T | undefined {
        if (isAbsent(value)) return undefined;
        if (!is(value)) return this.fail(path, `must be ${expected}, got ${describe(value)}`);
        return value;
    }
}

/** The value at a dotted path such as "persistence.appendonly"; undefined when any step is absent. */
export function valueAt(obj: Obj, dottedPath: string): unknown {
    return dottedPath.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Obj)[key] : undefined), obj);
}

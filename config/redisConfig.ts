// Free-form redis.conf directives (`redisConfig`): anything but what the group owns, and
// a typed setting's directive only when that typed setting is left out.
import { describe } from "./errors";
import { Obj, Reader } from "./reader";

/** Directives whose values the group owns: setting them through redisConfig would break the group. */
export const OWNED_DIRECTIVES: ReadonlySet<string> = new Set([
    "replicaof",
    "slaveof",
    "requirepass",
    "masterauth",
    "masteruser",
    "bind",
    "port",
    "dir",
    "protected-mode",
    "include",
    "user",
    "aclfile",
    "replica-read-only",
    "slave-read-only",
]);
/**
 * Directives with a typed setting: redisConfig may set one only when the typed setting is left out.
 * A Map, not an object literal: a directive named "constructor" must not find Object.prototype's.
 */
const TYPED_DIRECTIVES: ReadonlyMap<string, string> = new Map([
    ["appendonly", "persistence.appendonly"],
    ["save", "persistence.save"],
    ["min-replicas-to-write", "replication.minReplicasToWrite"],
    ["min-slaves-to-write", "replication.minReplicasToWrite"],
    ["min-replicas-max-lag", "replication.minReplicasMaxLag"],
    ["min-slaves-max-lag", "replication.minReplicasMaxLag"],
    ["repl-diskless-sync", "replication.disklessSync"],
    ["repl-diskless-sync-delay", "replication.disklessSyncDelay"],
    ["maxmemory", "maxmemory"],
    ["maxmemory-policy", "maxmemoryPolicy"],
]);

/** The directives by lower-case name, values as redis.conf text. `isTypedSet` tells whether a typed setting was given. */
export function readRedisConfig(r: Reader, value: unknown, isTypedSet: (typedPath: string) => boolean): Record<string, string> {
    const out: Record<string, string> = {};
    if (value === undefined || value === null) return out;
    if (typeof value !== "object" || Array.isArray(value)) {
        r.fail("redisConfig", `must be a map of directive to value, got ${describe(value)}`);
        return out;
    }
    for (const [key, v] of Object.entries(value as Obj)) {
        const path = `redisConfig.${key}`;
        const directive = key.toLowerCase();
        const typedPath = TYPED_DIRECTIVES.get(directive);
        if (!/^[a-z][a-z0-9_.-]*$/.test(directive)) {
            r.fail(path, "is not a redis.conf directive name");
        } else if (OWNED_DIRECTIVES.has(directive)) {
            r.fail(path, `is set by the group itself (it owns ${[...OWNED_DIRECTIVES].join(", ")})`);
        } else if (typedPath !== undefined && isTypedSet(typedPath)) {
            r.fail(path, `conflicts with ${typedPath}; set one of them`);
        } else if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
            r.fail(path, `must be a string, number or boolean, got ${describe(v)}`);
        } else {
            const text = directiveText(v);
            if (/[\r\n]/.test(text)) r.fail(path, "must be on one line");
            else if (text.trim() === "") r.fail(path, "must not be empty");
            else out[directive] = text;
        }
    }
    return out;
}

/** A directive's value as redis.conf text: booleans as yes/no. */
export function directiveText(value: string | number | boolean): string {
    return typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
}

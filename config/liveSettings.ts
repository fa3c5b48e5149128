// Which redis.conf settings a running node takes with CONFIG SET (live) and which it reads only
// at start (restart), by Redis's own rules, and the plan's settings split that way.
import { RESTART_DIRECTIVES } from "./redisDirectives";
import { GroupPlan } from "./types";

const RESTART: ReadonlySet<string> = new Set(RESTART_DIRECTIVES);

/**
 * True when a running node takes the directive with CONFIG SET: every directive but Redis's
 * restart ones. One in neither list (newer than 7.0, a module's, a typo) is tried live too:
 * Redis's answer to CONFIG SET then decides, and a refusal puts every node back.
 */
export function isLiveDirective(directive: string): boolean {
    return !RESTART.has(directive.toLowerCase());
}

/** Redis 7's own save rules, written out when persistence.save is left out: leaving it out is then a value like any other. */
export const REDIS_DEFAULT_SAVE = "3600 1 300 100 60 10000";

/** Old names of typed directives: one setting, so CONFIG SET must not get both names. */
const TYPED_ALIASES: ReadonlyMap<string, string> = new Map([
    ["min-slaves-to-write", "min-replicas-to-write"],
    ["min-slaves-max-lag", "min-replicas-max-lag"],
]);

/** The plan's redis.conf settings, split by how a running node takes them. Values as CONFIG SET takes them. */
export interface SplitSettings {
    /** Applied to running nodes with CONFIG SET. */
    live: Record<string, string>;
    /** Read only at start: a change replaces the nodes, one at a time. */
    restart: Record<string, string>;
}

/**
 * Every setting the plan renders: the typed ones, each always written (a typed setting left out
 * is Redis's default, written out), then redisConfig's, which win where both name a directive.
 */
export function settingsOf(plan: GroupPlan): Record<string, string> {
    const typed: Record<string, string> = {
        appendonly: plan.persistence.appendonly ? "yes" : "no",
        appendfsync: "everysec",
        save: plan.persistence.save === undefined ? REDIS_DEFAULT_SAVE : plan.persistence.save.join(" "),
        // Disk-based sync by default: with diskless sync, Redis 7.0 can hold a new replica's stream
        // back until its next once-a-second ACK (measured in bench/: a 1 s stall in most deploys).
        "repl-diskless-sync": plan.replication.disklessSync ? "yes" : "no",
        // Redis's default of 5 s holds every first diskless sync back by 5 s.
        "repl-diskless-sync-delay": String(plan.replication.disklessSyncDelay),
        "maxmemory-policy": plan.maxmemoryPolicy,
        maxmemory: plan.maxmemory ?? "0",
        "min-replicas-to-write": String(plan.replication.minReplicasToWrite),
        "min-replicas-max-lag": String(plan.replication.minReplicasMaxLag),
    };
    const free: Record<string, string> = {};
    for (const [directive, value] of Object.entries(plan.redisConfig)) {
        // A value written `""` in redis.conf is the empty string to CONFIG SET.
        free[TYPED_ALIASES.get(directive) ?? directive] = value === '""' ? "" : value;
    }
    return { ...typed, ...free };
}

export function splitSettings(plan: GroupPlan): SplitSettings {
    const split: SplitSettings = { live: {}, restart: {} };
    for (const [directive, value] of Object.entries(settingsOf(plan))) {
        (isLiveDirective(directive) ? split.live : split.restart)[directive] = value;
    }
    return split;
}

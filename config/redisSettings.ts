// The redis.conf settings the group types for you: persistence, replication and memory.
import { describe } from "./errors";
import { DEFAULT_MAXMEMORY_POLICY, DEFAULT_PERSISTENCE, DEFAULT_REPLICATION, MAX_REPLICAS, MAXMEMORY_POLICIES } from "./defaults";
import { Reader } from "./reader";
import { PersistencePlan, ReplicationPlan } from "./types";

export function readPersistence(r: Reader, value: unknown): PersistencePlan {
    const p = r.object(value, "persistence", ["appendonly", "save", "volume", "hostPath", "retain", "acceptRestartWipingReplicas"]) ?? {};
    const volume = r.oneOf(p.volume, "persistence.volume", ["named", "hostPath"] as const) ?? DEFAULT_PERSISTENCE.volume;
    const hostPath = r.string(p.hostPath, "persistence.hostPath");
    if (volume === "hostPath") checkHostPath(r, hostPath);
    else if (hostPath !== undefined) r.fail("persistence.hostPath", 'is only used with persistence.volume "hostPath"');
    return {
        appendonly: r.boolean(p.appendonly, "persistence.appendonly") ?? DEFAULT_PERSISTENCE.appendonly,
        save: readSave(r, p.save),
        volume,
        hostPath: volume === "hostPath" ? hostPath : undefined,
        retain: r.boolean(p.retain, "persistence.retain") ?? DEFAULT_PERSISTENCE.retain,
        acceptRestartWipingReplicas: r.boolean(p.acceptRestartWipingReplicas, "persistence.acceptRestartWipingReplicas") ?? false,
    };
}

/** The directory is interpolated into a shell command and bind mounts: absolute, plain, no `..`. */
function checkHostPath(r: Reader, hostPath: string | undefined): void {
    const path = "persistence.hostPath";
    if (hostPath === undefined) r.fail(path, 'is required when persistence.volume is "hostPath"');
    else if (!hostPath.startsWith("/")) r.fail(path, `${hostPath} must be an absolute path`);
    else if (/[\s"'`$\\]/.test(hostPath)) r.fail(path, `${JSON.stringify(hostPath)} must not contain spaces, quotes, $ or backslashes`);
    else if (/(^|\/)\.\.(\/|$)/.test(hostPath)) r.fail(path, `${hostPath} must not contain ..`);
}

/** RDB save rules; undefined leaves Redis's own, [] turns RDB off. */
function readSave(r: Reader, value: unknown): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return r.fail("persistence.save", `must be a list like ["3600 1", "300 100"], got ${describe(value)}`);
    const save: string[] = [];
    value.forEach((rule, i) => {
        if (typeof rule !== "string" || !/^\d+ \d+$/.test(rule))
            r.fail(`persistence.save[${i}]`, `${describe(rule)} is not "<seconds> <changes>"`);
        else save.push(rule);
    });
    return save;
}

export function readReplication(r: Reader, value: unknown, replicaCount: number): ReplicationPlan {
    const p = r.object(value, "replication", ["minReplicasToWrite", "minReplicasMaxLag", "disklessSync", "disklessSyncDelay"]) ?? {};
    const d = DEFAULT_REPLICATION;
    const minReplicasToWrite = r.integer(p.minReplicasToWrite, "replication.minReplicasToWrite", 0, MAX_REPLICAS) ?? d.minReplicasToWrite;
    if (replicaCount > 0 && minReplicasToWrite > replicaCount) {
        r.fail(
            "replication.minReplicasToWrite",
            `${minReplicasToWrite} is more than the ${replicaCount} replicas: the master would refuse every write`,
        );
    }
    return {
        minReplicasToWrite,
        minReplicasMaxLag: r.integer(p.minReplicasMaxLag, "replication.minReplicasMaxLag", 1, 3600) ?? d.minReplicasMaxLag,
        disklessSync: r.boolean(p.disklessSync, "replication.disklessSync") ?? d.disklessSync,
        disklessSyncDelay: r.integer(p.disklessSyncDelay, "replication.disklessSyncDelay", 0, 300) ?? d.disklessSyncDelay,
    };
}

export function readMemory(r: Reader, maxmemoryValue: unknown, policyValue: unknown): { maxmemory?: string; maxmemoryPolicy: string } {
    const maxmemory = r.string(maxmemoryValue, "maxmemory");
    if (maxmemory !== undefined && !/^\d+(b|k|kb|m|mb|g|gb)?$/i.test(maxmemory))
        r.fail("maxmemory", `"${maxmemory}" is not a size like 256mb`);
    return { maxmemory, maxmemoryPolicy: r.oneOf(policyValue, "maxmemoryPolicy", MAXMEMORY_POLICIES) ?? DEFAULT_MAXMEMORY_POLICY };
}

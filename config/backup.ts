// Backups and restore as the settings write them: the schedule, retention, where files land and
// which node serves them; and the file a new group's master is seeded from. Pure: whether the
// file exists and is an RDB is for the component to find out (components/restore).
import * as path from "path";
import type { BackupPlan, NodePlan, RestorePlan } from "./types";
import { isAbsent, Reader } from "./reader";
import { describe } from "./errors";
import { claimToolIp, type NodeContext } from "./nodes";

export const BACKUP_SOURCES = ["replica", "master"] as const;
/** A backup every 1 s at the most often; a month at the least. */
const EVERY_RANGE_SECONDS = { min: 1, max: 31 * 24 * 3600 };
const MAX_KEEP = 10_000;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** "1h", "30m", "1h30m", "45s" as seconds; undefined when it is not such a duration. */
export function durationSeconds(text: string): number | undefined {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
    if (!m || text === "") return undefined;
    return [m[1], m[2], m[3]].reduce((sum, part, i) => sum + Number(part ?? 0) * UNIT_SECONDS["hms"[i]!]!, 0);
}

/** An absolute, normal host path Docker can bind: no "..", no ":" or "," (Docker's own separators). */
function hostPathProblem(dir: string): string | undefined {
    if (!path.posix.isAbsolute(dir)) return `"${dir}" is relative; give an absolute path`;
    if (/[:,]/.test(dir)) return `"${dir}" holds ":" or ",", which Docker reads as separators of a bind`;
    if (dir.split("/").includes("..")) return `"${dir}" holds ".."; give the path it stands for`;
    if (path.posix.normalize(dir) === "/") return `"/" can't be a backup directory`;
    return undefined;
}

/**
 * The backup settings. `data` are the data nodes, the master first: the planned source is the
 * first replica (or the master with `from: "master"`), and the others follow it in the runner's
 * list, so a backup still comes from a replica after Sentinel promoted the first one.
 */
export function readBackup(ctx: NodeContext, value: unknown, data: { master: NodePlan; replicas: NodePlan[] }): BackupPlan | undefined {
    const { r } = ctx;
    const b = r.object(value, "backup", ["every", "keep", "dir", "from", "final", "beforeRollout"]);
    if (!b) return undefined;
    const everyText = r.string(b.every, "backup.every");
    let everySeconds: number | undefined;
    if (everyText === undefined) r.fail("backup.every", 'is required: how often to take a backup, e.g. "1h", "30m" or "90s"');
    else {
        everySeconds = durationSeconds(everyText);
        if (everySeconds === undefined) r.fail("backup.every", `"${everyText}" is not a duration such as "1h", "30m", "1h30m" or "90s"`);
        else if (everySeconds < EVERY_RANGE_SECONDS.min || everySeconds > EVERY_RANGE_SECONDS.max) {
            r.fail("backup.every", `"${everyText}" is out of range 1s-${EVERY_RANGE_SECONDS.max / 3600}h`);
        }
    }
    if (isAbsent(b.keep)) r.fail("backup.keep", "is required: how many backups to keep (1 or more)");
    const keep = r.integer(b.keep, "backup.keep", 1, MAX_KEEP);
    const dir = r.string(b.dir, "backup.dir");
    if (dir === undefined && isAbsent(b.dir)) r.fail("backup.dir", "is required: the absolute host directory backups land in");
    const dirProblem = dir === undefined ? undefined : hostPathProblem(dir);
    if (dirProblem) r.fail("backup.dir", dirProblem);
    const from = r.oneOf(b.from, "backup.from", BACKUP_SOURCES) ?? "replica";
    // A group always has a replica (replicaCount is 1 or more), and a backup forks the node it comes from.
    if (from === "master" && data.replicas.length > 0) {
        r.fail("backup.from", `"master" only when there is no replica: a backup forks the node it comes from, and a replica can serve it`);
    }
    const final = r.boolean(b.final, "backup.final") ?? true;
    const beforeRollout = r.boolean(b.beforeRollout, "backup.beforeRollout") ?? true;
    if (everyText === undefined || everySeconds === undefined || keep === undefined || dir === undefined || dirProblem) return undefined;
    const source = from === "master" ? data.master : data.replicas[0]!;
    const others = [...data.replicas, data.master].filter((n) => n !== source);
    const ip = claimToolIp(ctx, "backup", "the backup container");
    return {
        ip,
        every: everyText,
        everySeconds,
        keep,
        dir: path.posix.normalize(dir).replace(/\/$/, ""),
        from,
        final,
        beforeRollout,
        sources: [source, ...others],
    };
}

/** restoreFrom: a file (stack config may write it as the path alone), or the newest backup in a directory. */
export function readRestore(r: Reader, value: unknown): RestorePlan | undefined {
    if (isAbsent(value)) return undefined;
    const spec = typeof value === "string" ? { file: value } : r.object(value, "restoreFrom", ["file", "dir", "latest"]);
    if (!spec) return undefined;
    const at = typeof value === "string" ? "restoreFrom" : "restoreFrom.file";
    const file = r.string(spec.file, at);
    const dir = r.string(spec.dir, "restoreFrom.dir");
    const latest = r.boolean(spec.latest, "restoreFrom.latest");
    if (file !== undefined && dir !== undefined) return r.fail("restoreFrom", "give file or dir, not both");
    if (file === undefined && dir === undefined) {
        return r.fail("restoreFrom", `give file (an .rdb) or dir with latest: true, got ${describe(value)}`);
    }
    if (file !== undefined) {
        if (!path.posix.isAbsolute(file)) return r.fail(at, `"${file}" is relative; give an absolute path`);
        if (latest !== undefined) return r.fail("restoreFrom.latest", "goes with dir, not file");
        return { file };
    }
    if (!path.posix.isAbsolute(dir!)) return r.fail("restoreFrom.dir", `"${dir}" is relative; give an absolute path`);
    if (latest !== true) return r.fail("restoreFrom.latest", "must be true with dir: the newest backup in it is restored");
    return { dir: dir!, latest: true };
}

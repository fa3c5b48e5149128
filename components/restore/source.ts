// The restore file, found and judged on the deploying machine before anything exists: the file
// given, or the newest backup of a directory (by its manifest, else by time), readable, an RDB
// with a good checksum, and no newer than the image's Redis when the image's tag tells it.
import * as fs from "fs";
import * as path from "path";
import { GroupConfigError, type GroupPlan, type RestorePlan } from "../../config";
import { rdbProblems, rdbVersionOf, redisVersionOfImage } from "./rdbFile";

/** The file to restore, checked; throws a GroupConfigError naming restoreFrom's property otherwise. */
export function checkedRestoreFile(plan: GroupPlan, restore: RestorePlan): string {
    const at = restore.file !== undefined ? "restoreFrom.file" : "restoreFrom.dir";
    const found = restore.file !== undefined ? { file: restore.file } : newestBackup(restore.dir!);
    if ("problem" in found) throw new GroupConfigError([{ propertyPath: at, reason: found.problem }]);
    const image = plan.image.name ?? plan.image.baseImage;
    const redis = redisVersionOfImage(image);
    const maxVersion = redis === undefined ? undefined : rdbVersionOf(redis);
    const { problems } = rdbProblems(found.file, { maxVersion });
    if (problems.length > 0) {
        // restoreFrom stays in a program after its restore, while retention may prune the file.
        const gone = (reason: string) =>
            reason === "does not exist" ? `${reason} (if the group was restored from it already, remove restoreFrom)` : reason;
        throw new GroupConfigError(problems.map((reason) => ({ propertyPath: at, reason: `${found.file} ${gone(reason)}` })));
    }
    return found.file;
}

/** The newest backup in dir: the manifest's newest entry whose file is there, else the newest .rdb by time. */
function newestBackup(dir: string): { file: string } | { problem: string } {
    let names: string[];
    try {
        names = fs.readdirSync(dir);
    } catch (err) {
        return { problem: `${dir} can't be read: ${(err as Error).message}` };
    }
    const rdbs = names.filter((n) => n.endsWith(".rdb") && !n.startsWith("."));
    const listed = manifestFiles(path.join(dir, "manifest.json")).filter((f) => rdbs.includes(f));
    const newest = listed.at(-1) ?? rdbs.sort((a, b) => mtime(path.join(dir, a)) - mtime(path.join(dir, b))).at(-1);
    return newest === undefined ? { problem: `${dir} holds no backup (no .rdb file)` } : { file: path.join(dir, newest) };
}

/** The files a backup manifest lists, oldest first; [] without a readable manifest. */
function manifestFiles(manifest: string): string[] {
    try {
        const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { backups?: { file?: unknown; time?: unknown }[] };
        const entries = (parsed.backups ?? []).filter((b) => typeof b.file === "string");
        return entries.sort((a, b) => String(a.time ?? "").localeCompare(String(b.time ?? ""))).map((b) => b.file as string);
    } catch {
        return [];
    }
}

function mtime(file: string): number {
    return fs.statSync(file).mtimeMs;
}

// What the backup container is made of, from the plan alone: the runner's settings and the
// nodes it may back up from. Pure.
import * as fs from "fs";
import * as path from "path";
import type { BackupPlan, GroupPlan } from "../../config";
import { PLAINTEXT_PORT, peerOf, replicationPort } from "../addresses";
import { TLS_FILES } from "../tlsFiles";
import { BACKUP_MOUNT } from "./constants";

/** The group's `backup` output: where backups land and how often. */
export interface BackupOutput {
    /** The host directory backups land in. */
    dir: string;
    /** How often, as written, e.g. "1h". */
    every: string;
    /** How many backups are kept. */
    keep: number;
    /** With hosts: the host the backup container, and so the files, are on. */
    host?: string;
}

/** The `backup` output; undefined without backup. */
export function backupOutputOf(plan: GroupPlan): BackupOutput | undefined {
    const b = plan.backup;
    if (!b) return undefined;
    const host = b.sources[0]!.host;
    return { dir: b.dir, every: b.every, keep: b.keep, ...(host === undefined ? {} : { host }) };
}

/** The backup container's name. */
export function backupContainerName(plan: GroupPlan): string {
    return `${plan.name}-backup`;
}

/** The runner script, as the container runs it. */
export function runnerScript(): string {
    return fs.readFileSync(path.join(__dirname, "runner.sh"), "utf8");
}

/** "node=ip:port" of each data node a backup may come from, the planned one first, as the backup container reaches them. */
export function backupSources(plan: GroupPlan, backup: BackupPlan): string[] {
    return backup.sources.map((node) => {
        const { ip, port } = peerOf(plan, node);
        return `${node.key}=${ip}:${port}`;
    });
}

/** The runner's settings, as `KEY=value` lines the script sources. Secret: it holds the backup user's password. */
export function renderBackupEnv(plan: GroupPlan, backup: BackupPlan, password: string): string {
    // Letters and digits only (RandomPassword without specials), and Docker names: nothing to quote but the lists.
    const tls =
        plan.tls && !backupInPlaintext(plan) ? `--tls --cacert ${TLS_FILES.ca} --cert ${TLS_FILES.cert} --key ${TLS_FILES.key}` : "";
    return [
        `BACKUP_GROUP=${plan.name}`,
        `BACKUP_DIR=${BACKUP_MOUNT}`,
        `BACKUP_EVERY=${backup.everySeconds}`,
        `BACKUP_KEEP=${backup.keep}`,
        `BACKUP_SOURCES="${backupSources(plan, backup).join(" ")}"`,
        `BACKUP_FROM=${backup.from}`,
        `BACKUP_USER=backup`,
        `BACKUP_PASSWORD=${password}`,
        `BACKUP_HOST=${backup.sources[0]!.host ?? ""}`,
        `BACKUP_TLS_ARGS="${tls}"`,
        "",
    ].join("\n");
}

/** With TLS replication off, nodes are followed on their plaintext port, and so the backup reaches them there (one engine only). */
function backupInPlaintext(plan: GroupPlan): boolean {
    return plan.hosts === undefined && replicationPort(plan) === PLAINTEXT_PORT;
}

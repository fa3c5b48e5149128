// The backup's dynamic providers. BackupDir makes backup.dir ready on its host; RolloutBackup takes
// a backup when the master's fingerprint changes, before the first node of the rollout; FinalBackup
// takes one when it is deleted, which the engine does before the nodes it depends on.
//
// Serialization (see docs/development.md#serialized-providers): modules are required inside
// functions, and no module-level const is exported.
import type * as pulumi from "@pulumi/pulumi";
import { execIn, lastLine, runOnce } from "../dockerRun";
import { differs, newId } from "../redisOps/providerParts";
import { BACKUP_MOUNT, BACKUP_SCRIPT, BACKUP_TIMEOUT_MS, DIR_TIMEOUT_MS } from "./constants";
import type { BackupDirInputs, BackupRunInputs, FinalBackupInputs, RolloutBackupInputs } from "./types";

/** Takes one backup in the backup container; throws with what the runner said (it names the node). */
async function takeBackup(inputs: BackupRunInputs, kind: string): Promise<string> {
    const res = await execIn(inputs.docker, inputs.container, ["sh", BACKUP_SCRIPT, "once", kind], BACKUP_TIMEOUT_MS).catch(
        (err: Error) => ({ exitCode: -1, stdout: "", stderr: `the backup container ${inputs.container} can't run it: ${err.message}` }),
    );
    if (res.exitCode !== 0) throw new Error(lastLine(res.stderr) || lastLine(res.stdout) || `the runner exited ${res.exitCode}`);
    return lastLine(res.stdout);
}

/** takeBackup, or a failure that says what it held back and how to go without it. */
async function guardedBackup(inputs: BackupRunInputs, kind: string, heldBack: string, without: string): Promise<string> {
    try {
        return await takeBackup(inputs, kind);
    } catch (err) {
        throw new Error(`the ${kind} backup failed, so ${heldBack}: ${(err as Error).message} (${without})`);
    }
}

/**
 * backup.dir on its host: made if missing (Docker makes a missing bind source, root's), given to
 * uid 999 when it is root's and empty, then written to as uid 999. Runs in one-off containers of
 * the group's image, so it reaches the directory on whichever host the engine is.
 */
async function prepareDir(inputs: BackupDirInputs): Promise<void> {
    const where = `backup.dir: ${inputs.dir}${inputs.host ? ` on host ${inputs.host}` : ""}`;
    const common = { image: inputs.image, binds: [`${inputs.dir}:${BACKUP_MOUNT}`], labels: inputs.labels, timeoutMs: DIR_TIMEOUT_MS };
    const d = BACKUP_MOUNT;
    const own = await runOnce(inputs.docker, {
        ...common,
        user: "0:0",
        cmd: [
            "sh",
            "-c",
            `if [ "$(stat -c %u ${d})" = 0 ] && [ -z "$(ls -A ${d})" ]; then chown 999:999 ${d} && chmod 0750 ${d}; fi; stat -c '%u %a' ${d}`,
        ],
    }).catch((err: Error) => ({ exitCode: -1, stdout: "", stderr: err.message }));
    if (own.exitCode !== 0) throw new Error(`${where}: can't be made: ${lastLine(own.stderr) || lastLine(own.stdout)}`);
    const write = await runOnce(inputs.docker, {
        ...common,
        user: "999:999",
        cmd: ["sh", "-c", `t=${d}/.write-test-$$ && : > "$t" && rm -f "$t"`],
    }).catch((err: Error) => ({ exitCode: -1, stdout: "", stderr: err.message }));
    if (write.exitCode !== 0) {
        const [uid, mode] = lastLine(own.stdout).split(" ");
        throw new Error(
            `${where}: uid 999 (redis) can't write it (owner uid ${uid}, mode ${mode}): ${lastLine(write.stderr)}; ` +
                `give it to uid 999, e.g. install -d -o 999 -g 999 ${inputs.dir}`,
        );
    }
}

export const backupDirProvider: pulumi.dynamic.ResourceProvider<BackupDirInputs, BackupDirInputs> = {
    async diff(_id, olds, news) {
        return { changes: differs(olds as never, news as never, ["dir", "image", "docker"]) };
    },
    async create(inputs) {
        await prepareDir(inputs);
        return { id: newId("backupdir"), outs: inputs };
    },
    async update(_id, _olds, news) {
        await prepareDir(news);
        return { outs: news };
    },
    async delete() {
        // The backups are the user's: the directory stays.
    },
};

export const rolloutBackupProvider: pulumi.dynamic.ResourceProvider<RolloutBackupInputs, RolloutBackupInputs> = {
    async diff(_id, olds, news) {
        return { changes: differs(olds as never, news as never, ["fingerprint", "container", "docker"]) };
    },
    async create(inputs) {
        // A new group, or backups new to it: there is no master yet to lose, or no runner to take it.
        return { id: newId("rolloutbackup"), outs: inputs };
    },
    async update(_id, olds, news) {
        if (olds.fingerprint === news.fingerprint) return { outs: { ...news, lastBackup: olds.lastBackup } };
        const lastBackup = await guardedBackup(news, "rollout", "no node was replaced", "backup.beforeRollout: false rolls out without it");
        return { outs: { ...news, lastBackup } };
    },
};

export const finalBackupProvider: pulumi.dynamic.ResourceProvider<FinalBackupInputs, FinalBackupInputs> = {
    async diff(_id, olds, news) {
        return { changes: differs(olds as never, news as never, ["enabled", "container", "docker"]) };
    },
    async create(inputs) {
        return { id: newId("finalbackup"), outs: inputs };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
    async delete(_id, props) {
        if (!props.enabled) return;
        await guardedBackup(
            props,
            "final",
            "nothing it guards was removed",
            "to go without it, set backup.final: false and run pulumi up first",
        );
    },
};

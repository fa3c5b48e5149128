// Backups and restore of about 100 MB: a 1+2 group filled with incompressible values, backups taken
// one after another by its backup container (the runner's `once`, as the final and rollout backups
// take them), the master's forks counted across them; then restores of the newest backup into a new
// group with AOF on, each from its first container to the check passing with the data.
//
// measureBackup sets Pulumi's mocks for its own stacks: measures that keep their own mock monitor
// must set them again afterwards.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import type { RedisReplicationGroupArgs } from "../components";
import { BACKUP_SCRIPT } from "../components/backup/constants";
import { execIn, lastLine } from "../components/dockerRun";
import { backupFiles, totalForks } from "../harness/backups";
import { GroupStack } from "../harness/groupStack";
import { promiseOf } from "../harness/pulumi";
import { withClient } from "../harness/redisClient";
import { PASSWORD } from "./groups";
import { median } from "./stats";

export const BACKUP_LABELS = ["bench-backup", "bench-restore"];
export const BACKUP_IMAGES = ["rrbackup", "rrrestore"].map((n) => `redis-replication/${n}:latest`);

/** About 100 MB: 100 000 values of 1 000 base64 characters (random bytes, so RDB's LZF can't shrink them). */
const KEYS = 100_000;
const VALUE_BYTES = 750;

export interface BackupResult {
    backup: {
        runs: number;
        restores: number;
        keys: number;
        /** The backup file's size, MB. */
        dataset_mb: number;
        /** One backup from a replica (redis-cli --rdb, redis-check-rdb, rename, manifest), median. */
        backup_ms: number;
        /** A new 1+2 group restored from the newest backup: its first container's start to the check passing with the data, median. */
        restore_ms: number;
        restored_keys: number;
        /** The source group's master's total_forks across every backup. */
        master_forks: number;
    };
}

function groupArgs(name: string, n: number, baseImage: string, over: Partial<RedisReplicationGroupArgs>): RedisReplicationGroupArgs {
    return {
        name,
        network: { subnet: `10.237.${n}.0/24` },
        master: { hostPort: 7700 + n * 10 },
        replicaCount: 2,
        image: { baseImage },
        password: PASSWORD,
        checkTimeoutSeconds: 120,
        ...over,
    };
}

/** Fills the master and waits for both replicas to hold it all. */
async function fill(port: number): Promise<void> {
    await withClient(
        port,
        PASSWORD,
        async (c) => {
            for (let i = 0; i < KEYS; i += 1000) {
                const pipe = c.pipeline();
                for (let j = i; j < Math.min(KEYS, i + 1000); j++)
                    pipe.set(`bench:${j}`, crypto.randomBytes(VALUE_BYTES).toString("base64"));
                await pipe.exec();
            }
            await c.call("WAIT", "2", "60000");
        },
        { commandTimeout: 60_000 },
    );
}

export async function measureBackup(runs: number, baseImage: string, log: (line: string) => void): Promise<BackupResult> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rr-bench-backup-"));
    const source = await GroupStack.start(BACKUP_LABELS[0]!, "redis-replication", BACKUP_LABELS[0]!);
    try {
        const up = await source.up(
            "rrbackup",
            groupArgs("rrbackup", 0, baseImage, { backup: { every: "1h", keep: runs + 1, dir, final: false } }),
        );
        const admin = await promiseOf(up.group.adminPassword);
        await fill(7700);
        const forksBefore = await totalForks(7700, admin);
        const samples: number[] = [];
        for (let run = 1; run <= runs; run++) {
            const t0 = performance.now();
            const res = await execIn(undefined, "rrbackup-backup", ["sh", BACKUP_SCRIPT, "once", "scheduled"], 600_000);
            if (res.exitCode !== 0) throw new Error(`backup ${run}: ${lastLine(res.stderr)}`);
            samples.push(performance.now() - t0);
            log(`backup ${run}/${runs}: ${Math.round(samples.at(-1)!)} ms (${lastLine(res.stdout)})`);
        }
        const masterForks = (await totalForks(7700, admin)) - forksBefore;
        const newest = path.join(dir, backupFiles(dir, "rrbackup").at(-1)!);
        const datasetMb = Math.round(fs.statSync(newest).size / 1e5) / 10;
        const restores = Math.min(3, runs);
        const restoreSamples: number[] = [];
        let restoredKeys = 0;
        for (let run = 1; run <= restores; run++) {
            const target = await GroupStack.start(BACKUP_LABELS[1]!, "redis-replication", BACKUP_LABELS[1]!);
            try {
                const r = await target.up("rrrestore", groupArgs("rrrestore", 1, baseImage, { restoreFrom: { file: newest } }));
                const containers = r.steps.filter((s) => s.type === "docker:index/container:Container");
                const check = r.steps.find((s) => s.name === "rrrestore-check")!;
                restoreSamples.push(check.endedAt - Math.min(...containers.map((s) => s.startedAt)));
                restoredKeys = r.replication.restoredKeys ?? 0;
                log(`restore ${run}/${restores}: ${restoreSamples.at(-1)} ms, ${restoredKeys} keys on every node`);
            } finally {
                await target.destroy();
            }
        }
        return {
            backup: {
                runs,
                restores,
                keys: KEYS,
                dataset_mb: datasetMb,
                backup_ms: Math.round(median(samples)),
                restore_ms: Math.round(median(restoreSamples)),
                restored_keys: restoredKeys,
                master_forks: masterForks,
            },
        };
    } finally {
        await source.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

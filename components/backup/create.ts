// The backup's resources: backup.dir made ready, the backup container (the runner on its
// schedule), the backup before a rollout that replaces the master, and the final backup.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { BackupPlan, GroupPlan } from "../../config";
import { groupLabels, LABEL_KEYS, NodePlace, REDIS_UID } from "../naming";
import { privateUpload, tlsUploads } from "../nodes";
import type { TlsPem } from "../tls";
import { BACKUP_ENV_FILE, BACKUP_MOUNT, BACKUP_SCRIPT } from "./constants";
import { backupContainerName, renderBackupEnv, runnerScript } from "./render";
import { BackupDir, FinalBackup, RolloutBackup } from "./resource";

/** What the backup resources are made from. */
export interface BackupContext {
    /** The component's resource name: children are named after it. */
    name: string;
    plan: GroupPlan;
    backup: BackupPlan;
    parent: pulumi.Resource;
    /** Where the backup container runs: the host of the node it backs up from first. */
    place: NodePlace;
    /** That host's engine, as the dynamic providers reach it; undefined: the default engine. */
    docker: pulumi.Input<string | undefined>;
    /** The backup user's password (secret). */
    password: pulumi.Output<string>;
    tls?: pulumi.Output<TlsPem>;
    preflight: pulumi.Resource[];
}

/** The backup user's ACL rules, without the password: a replica's snapshot (SYNC) and which node is a replica (ROLE). */
export const BACKUP_USER_RULES = "-@all +sync +replconf +ping +role";

/** The rollout backup, before the first node of the chain; only with beforeRollout. */
export function createRolloutBackup(ctx: BackupContext, masterFingerprint: pulumi.Output<string>): RolloutBackup | undefined {
    if (!ctx.backup.beforeRollout) return undefined;
    return new RolloutBackup(
        `${ctx.name}-rollout-backup`,
        { docker: ctx.docker, container: backupContainerName(ctx.plan), fingerprint: masterFingerprint },
        { parent: ctx.parent, dependsOn: ctx.preflight },
    );
}

/** backup.dir, then the backup container, once the master is back in the group (`after`). */
export function createBackupContainer(ctx: BackupContext, after: pulumi.Resource[]): docker.Container {
    const { plan, backup, place } = ctx;
    const labels = groupLabels(plan, { [LABEL_KEYS.role]: "backup" });
    const dir = new BackupDir(
        `${ctx.name}-backup-dir`,
        {
            docker: ctx.docker,
            image: place.image,
            dir: backup.dir,
            host: backup.sources[0]!.host,
            labels: Object.fromEntries(labels.map((l) => [l.label, l.value])),
        },
        { parent: ctx.parent, dependsOn: ctx.preflight },
    );
    const env = pulumi.secret(ctx.password.apply((password) => renderBackupEnv(plan, backup, password)));
    return new docker.Container(
        `${ctx.name}-backup`,
        {
            name: backupContainerName(plan),
            image: place.image,
            hostname: backupContainerName(plan),
            command: ["sh", BACKUP_SCRIPT, "schedule"],
            user: `${REDIS_UID}:${REDIS_UID}`,
            networksAdvanced: [{ name: place.networkName, ipv4Address: backup.ip }],
            volumes: [{ hostPath: backup.dir, containerPath: BACKUP_MOUNT }],
            uploads: [
                { file: BACKUP_SCRIPT, content: runnerScript(), ...privateUpload("0500") },
                { file: BACKUP_ENV_FILE, content: env, ...privateUpload("0600") },
                ...tlsUploads(ctx.tls),
            ],
            // The image's healthcheck asks Redis; this one asks the runner whether its last backup passed.
            healthcheck: { tests: ["CMD", "sh", BACKUP_SCRIPT, "health"], interval: "30s", timeout: "5s", retries: 1, startPeriod: "5s" },
            restart: "unless-stopped",
            labels,
            mustRun: true,
            destroyGraceSeconds: 10,
        },
        // A fixed name: the old container goes before its replacement starts.
        {
            parent: ctx.parent,
            provider: place.provider,
            dependsOn: [dir, ...after],
            deleteBeforeReplace: true,
            deletedWith: place.deletedWith,
        },
    );
}

/** The final backup: it depends on everything that runs (`running`), so a destroy deletes it, and takes it, first. */
export function createFinalBackup(ctx: BackupContext, running: pulumi.Resource[]): FinalBackup {
    return new FinalBackup(
        `${ctx.name}-final-backup`,
        { docker: ctx.docker, container: backupContainerName(ctx.plan), enabled: ctx.backup.final },
        { parent: ctx.parent, dependsOn: running },
    );
}

/** The engine the dynamic providers reach for a node's host: the program's provider's, the host's, or the default. */
export function dockerOfHost(
    plan: GroupPlan,
    hostName: string | undefined,
    providers: Record<string, docker.Provider>,
): pulumi.Input<string | undefined> {
    if (hostName === undefined) return undefined;
    return providers[hostName]?.host ?? plan.hosts?.find((h) => h.name === hostName)?.dockerHost;
}

// The backup's resources, as a program constructs them. Not serialized.
import * as pulumi from "@pulumi/pulumi";
import { backupDirProvider, finalBackupProvider, rolloutBackupProvider } from "./provider";
import type { Args, BackupDirInputs, FinalBackupInputs, RolloutBackupInputs } from "./types";

/** backup.dir made ready on the backup container's host: made if missing, writable by uid 999. */
export class BackupDir extends pulumi.dynamic.Resource {
    declare readonly dir: pulumi.Output<string>;

    constructor(name: string, args: Args<BackupDirInputs>, opts?: pulumi.CustomResourceOptions) {
        super(backupDirProvider, name, args, opts, "redis", "BackupDir");
    }
}

/** A backup before the first node of an `up` that replaces the master; the nodes depend on it. */
export class RolloutBackup extends pulumi.dynamic.Resource {
    /** The file the last rollout backup wrote. */
    declare readonly lastBackup: pulumi.Output<string | undefined>;

    constructor(name: string, args: Args<Omit<RolloutBackupInputs, "lastBackup">>, opts?: pulumi.CustomResourceOptions) {
        super(rolloutBackupProvider, name, { lastBackup: undefined, ...args }, opts, "redis", "RolloutBackup");
    }
}

/** A backup when the group goes: it depends on every node, so the engine deletes it first. */
export class FinalBackup extends pulumi.dynamic.Resource {
    declare readonly enabled: pulumi.Output<boolean>;

    constructor(name: string, args: Args<FinalBackupInputs>, opts?: pulumi.CustomResourceOptions) {
        super(finalBackupProvider, name, args, opts, "redis", "FinalBackup");
    }
}

// The backup resources' shapes: what the program hands them and what their providers receive. Types only.
import type * as pulumi from "@pulumi/pulumi";

/** Where the runner runs: the backup container on its engine. */
export interface BackupRunInputs {
    /** The engine of the backup container's host (a Docker provider's host); undefined: the default engine. */
    docker?: string;
    /** The backup container's name. */
    container: string;
}

export interface RolloutBackupInputs extends BackupRunInputs {
    /** The master's fingerprint: when it changes, this `up` replaces the master. */
    fingerprint: string;
    /** The file the last rollout backup wrote. */
    lastBackup?: string;
}

export interface FinalBackupInputs extends BackupRunInputs {
    /** backup.final: a backup when this resource is deleted. */
    enabled: boolean;
}

export interface BackupDirInputs {
    docker?: string;
    /** The image the one-off containers run: the group's. */
    image: string;
    /** backup.dir, on the host of the backup container. */
    dir: string;
    /** That host's name, for messages; undefined on one engine. */
    host?: string;
    /** The group's labels, on the one-off containers. */
    labels: Record<string, string>;
}

/** The same, as a program passes them. */
export type Args<T> = { [K in keyof T]: pulumi.Input<T[K]> };

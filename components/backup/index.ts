// Backups: scheduled from a replica by a runner container, before a rollout that replaces the master, and on destroy.
export { BACKUP_USER_RULES, createBackupContainer, createFinalBackup, createRolloutBackup, dockerOfHost } from "./create";
export type { BackupContext } from "./create";
export { backupContainerName, backupOutputOf, backupSources, renderBackupEnv } from "./render";
export type { BackupOutput } from "./render";
export { BackupDir, FinalBackup, RolloutBackup } from "./resource";

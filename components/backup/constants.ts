// Where the backup container keeps its runner, its settings and the backups. Constants only:
// serialized with the backup providers (see ../replicationCheck/constants.ts).

/** The runner script (runner.sh), beside redis.conf's directory, which the image has and the redis user owns. */
export const BACKUP_SCRIPT = "/usr/local/etc/redis/backup.sh";
/** The runner's settings (the backup user's password among them): private to the redis user. */
export const BACKUP_ENV_FILE = "/usr/local/etc/redis/backup.env";
/** Where backup.dir is mounted in the backup container. */
export const BACKUP_MOUNT = "/backups";
/** How long a final or rollout backup may take: a snapshot of a large dataset takes minutes. */
export const BACKUP_TIMEOUT_MS = 30 * 60 * 1000;
/** How long preparing backup.dir may take: two one-off containers. */
export const DIR_TIMEOUT_MS = 2 * 60 * 1000;

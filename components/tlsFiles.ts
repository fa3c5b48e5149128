// Where a node's TLS files live in its container, beside its redis.conf: one place for the
// program, which uploads them, and for the live configuration, which replaces them on a running
// node. Constants only: serialized with the providers (see ../replicationCheck/constants.ts).

/** The directory of redis.conf and the TLS files, which the image has. */
export const TLS_DIR = "/usr/local/etc/redis";
/** Each TLS file's name in TLS_DIR, by part. */
export const TLS_FILE_NAMES = { ca: "tls-ca.crt", cert: "tls.crt", key: "tls.key" } as const;
/** Each TLS file's path, by part. */
export const TLS_FILES = {
    ca: `${TLS_DIR}/${TLS_FILE_NAMES.ca}`,
    cert: `${TLS_DIR}/${TLS_FILE_NAMES.cert}`,
    key: `${TLS_DIR}/${TLS_FILE_NAMES.key}`,
} as const;

// Constants of the Redis toolkit the dynamic providers share. Serialized with each provider (see
// docs/development.md#serialized-providers): this file holds no function, so no use of them reads
// `exports.X`.

/** Where a data node listens unless its target says otherwise. */
export const REDIS_DEFAULT_PORT = 6379;
/** Where a sentinel listens unless its target says otherwise. */
export const SENTINEL_DEFAULT_PORT = 26379;

/**
 * The paces of the providers' polls: the first sleep and the longest (it doubles up to it), ms,
 * each named for what it waits on.
 */
export const PACE = {
    /**
     * A node or its links coming back, or a dataset landing: it takes from ms to seconds, so look
     * often at first, and at least every 50 ms: the next node of the chain and the check wait for it.
     */
    node: { firstMs: 10, maxMs: 50 },
    /** A probe write reaching the replicas: they apply it within ms. */
    probe: { firstMs: 2, maxMs: 50 },
    /** While writes are paused: every ms of the pause is one the applications wait. */
    paused: { firstMs: 5, maxMs: 50 },
    /** Sentinel's own work (a failover, a reset): its timer ticks every 100 ms, so looking more often than that gains nothing. */
    sentinelWork: { firstMs: 50, maxMs: 500 },
    /** A sentinel learning its peers again: they say hello every 2 s. */
    sentinelPeers: { firstMs: 20, maxMs: 250 },
} as const;

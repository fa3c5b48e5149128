// Constants more than one provider-side file uses. Serialized with the provider (see the rules at
// the top of provider.ts): this file holds no function, so no use of them reads `exports.X`.

/** Prefix of every key the check writes; its probes carry a TTL, so none outlives a crash. */
export const PROBE_PREFIX = "__pulumi_replcheck:";
/** Where a sentinel listens unless its target says otherwise. */
export const SENTINEL_DEFAULT_PORT = 26379;

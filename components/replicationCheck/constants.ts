// The check's constants. Serialized with the provider (see
// docs/development.md#serialized-providers): this file holds no function, so no use of them reads
// `exports.X`.

/** Prefix of every key the check writes; its probes carry a TTL, so none outlives a crash. */
export const PROBE_PREFIX = "__pulumi_replcheck:";

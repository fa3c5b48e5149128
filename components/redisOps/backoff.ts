// The pace of every poll of the providers. Serialized with each provider (see
// docs/development.md#serialized-providers).

/**
 * Returns `next()`, which sleeps until the next poll and resolves true, or resolves false at once
 * when the deadline has passed. The sleep starts at `pace.firstMs` and doubles up to
 * `pace.maxMs`, never past the deadline.
 */
export function backoff(pace: { firstMs: number; maxMs: number }, deadline: number): () => Promise<boolean> {
    const max = pace.maxMs;
    let interval = pace.firstMs;
    return async () => {
        const now = Date.now();
        if (now >= deadline) {
            return false;
        }
        const ms = Math.max(0, Math.min(interval, deadline - now));
        await new Promise<void>((resolve) => setTimeout(resolve, ms));
        interval = Math.min(max, interval * 2);
        return true;
    };
}

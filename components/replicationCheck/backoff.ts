// The pace of every poll in the check. Serialized with the provider (see the rules at the top of
// provider.ts).

/**
 * Returns `next()`, which sleeps until the next poll and resolves true, or resolves false at once
 * when the deadline has passed. The sleep starts at `first` ms and doubles up to `max`, never
 * past the deadline.
 */
export function backoff(first: number, max: number, deadline: number): () => Promise<boolean> {
    let interval = first;
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

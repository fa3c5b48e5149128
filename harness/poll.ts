// Bounded polling for the tests and the bench: wait for a condition, never longer than a
// deadline, and say what was awaited and the last error when it runs out.

/** Thrown by a check to end the polling at once: a state that waiting will not change. */
export class StopPolling extends Error {}

/**
 * Calls check() every intervalMs until it returns something other than undefined or false, and
 * returns that. An error thrown by check() does not stop the polling (StopPolling does); after
 * timeoutMs it throws naming `what` and the last error (if the last call threw).
 */
export async function pollUntil<T>(
    what: string,
    timeoutMs: number,
    check: () => Promise<T | false | undefined>,
    intervalMs = 100,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined && v !== false) return v;
            last = undefined;
        } catch (err) {
            if (err instanceof StopPolling) throw err;
            last = err;
        }
        if (Date.now() > deadline) {
            const why = last === undefined ? "" : ` (last error: ${(last as Error).message ?? String(last)})`;
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

// How the providers word durations and errors. Serialized with each provider (see
// docs/development.md#serialized-providers).

/** "250ms", "2s", "1.5s". */
export function formatDuration(ms: number): string {
    if (ms < 1000) {
        return `${Math.round(ms)}ms`;
    }
    const s = ms / 1000;
    return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}

/** An error's message, or the thrown value as text. */
export function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

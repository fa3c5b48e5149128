// Small numeric helpers shared by the measures.

/** min, median and max of a sample, in whole units. */
export interface Stats {
    min: number;
    median: number;
    max: number;
}

/** The value below which p percent of the sorted sample lies (nearest rank). */
export function percentile(values: number[], p: number): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
    return sorted[rank - 1]!;
}

/** Median (mean of the middle two for an even count). */
export function median(values: number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** min/median/max rounded to whole numbers; throws on an empty sample so a lost measure is never reported as 0. */
export function stats(values: number[], what: string): Stats {
    if (values.length === 0) throw new Error(`${what}: no samples`);
    return { min: Math.round(Math.min(...values)), median: Math.round(median(values)), max: Math.round(Math.max(...values)) };
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Rejects with `what` if the promise has not settled within ms. */
export async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([
            p,
            new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
            }),
        ]);
    } finally {
        clearTimeout(timer);
    }
}

// Measure 1 (deploy) and 4 (teardown): each variant deployed alternately, per replica count.
import { deploy, Variant, VARIANTS } from "./harness";
import { Stats, stats } from "./stats";

export interface DeployEntry {
    replicas: number;
    tuned_ms: Stats;
    stock_ms: Stats;
    /** tuned plus the proposed component changes (see harness.ts). */
    proposed_ms: Stats;
    /** median stock / median tuned. */
    stock_over_tuned: number;
    /** The check's own durationMs in the tuned runs. */
    tuned_check_ms: Stats;
    /** Runs whose check took over STALL_MS: a replica waited for Redis's once-a-second retry or ACK. */
    stalled_runs: { tuned: number; proposed: number; of: number };
    /** Every run, in order, ms. */
    runs_ms: Record<Variant, number[]>;
    /** The check's own time of every tuned run, in order, ms. */
    tuned_check_runs_ms: number[];
}

/** A check slower than this waited for one of Redis's once-a-second timers (a clean check takes ~10-50 ms). */
export const STALL_MS = 500;

export interface DeployResult {
    entries: DeployEntry[];
    /** backend.teardown() of every 1+2 group. */
    teardownSamples: number[];
}

/** The variants in a different order each run, so drift on a noisy machine hits each alike. */
function orderFor(run: number): Variant[] {
    const k = run % VARIANTS.length;
    return [...VARIANTS.slice(k), ...VARIANTS.slice(0, k)];
}

export async function measureDeploy(sizes: number[], runs: number, baseImage: string, log: (s: string) => void): Promise<DeployResult> {
    const entries: DeployEntry[] = [];
    const teardownSamples: number[] = [];
    for (const replicas of sizes) {
        const samples: Record<Variant, number[]> = { tuned: [], stock: [], proposed: [] };
        const checkMs: number[] = [];
        const stalled = { tuned: 0, proposed: 0, of: runs };
        for (let run = 0; run < runs; run++) {
            for (const variant of orderFor(run)) {
                const d = await deploy(variant, replicas, baseImage, { timedTeardown: replicas === 2 });
                samples[variant].push(d.deployMs);
                if (variant === "tuned") checkMs.push(d.checkDurationMs);
                if (variant !== "stock" && d.checkDurationMs > STALL_MS) stalled[variant]++;
                if (replicas === 2) teardownSamples.push(d.teardownMs);
                log(
                    `deploy 1+${replicas} ${variant.padEnd(8)} run ${run + 1}/${runs}: ${Math.round(d.deployMs)} ms (check ${d.checkDurationMs} ms, teardown ${Math.round(d.teardownMs)} ms)`,
                );
            }
        }
        const tuned = stats(samples.tuned, `deploy 1+${replicas} tuned`);
        const stock = stats(samples.stock, `deploy 1+${replicas} stock`);
        entries.push({
            replicas,
            tuned_ms: tuned,
            stock_ms: stock,
            proposed_ms: stats(samples.proposed, `deploy 1+${replicas} proposed`),
            stock_over_tuned: Math.round((stock.median / tuned.median) * 100) / 100,
            tuned_check_ms: stats(checkMs, `check 1+${replicas} tuned`),
            stalled_runs: stalled,
            runs_ms: {
                tuned: samples.tuned.map(Math.round),
                stock: samples.stock.map(Math.round),
                proposed: samples.proposed.map(Math.round),
            },
            tuned_check_runs_ms: checkMs,
        });
    }
    return { entries, teardownSamples };
}

// The deploy figures (1+2 tuned ≤ 1.2 s, stock ≥ 4× tuned, 1+8 ≤ 1.5× 1+2) and teardown
// (1+2 ≤ 1 s): each variant deployed alternately, per replica count.
import { deploy, DeployTimes, STOCK, Variant, VARIANTS } from "./groups";
import { Stats, stats } from "./stats";

export interface DeployEntry {
    replicas: number;
    tuned_ms: Stats;
    stock_ms: Stats;
    /** median stock / median tuned. */
    stock_over_tuned: number;
    /** First container asked for -> last container create returned, per variant. */
    containers_ms: Record<Variant, Stats>;
    /** Where a tuned up's time goes, declared -> check returned, in four consecutive parts. */
    tuned_phases_ms: UpPhases<Stats>;
    /** The check's own durationMs, per variant. */
    check_ms: Record<Variant, Stats>;
    /** Runs whose check took over stallThresholdMs(variant): a wait for one of Redis's once-a-second timers. */
    stalled_runs: { tuned: number; stock: number; of: number };
    /** Every run, in order, ms. */
    runs_ms: Record<Variant, number[]>;
    /** The check's own time of every run, in order, ms. */
    check_runs_ms: Record<Variant, number[]>;
}

/** A tuned check slower than this waited for one of Redis's once-a-second timers (a clean check takes ~10-50 ms). */
export const STALL_MS = 500;

/**
 * The check time above which a run counts as stalled: STALL_MS beyond what the variant waits by
 * design. Stock waits for its diskless-sync delay (a clean stock check takes it plus ~20 ms).
 */
export function stallThresholdMs(variant: Variant): number {
    return variant === "stock" ? STOCK.disklessSyncDelay * 1000 + STALL_MS : STALL_MS;
}

/**
 * program: the group's constructor (the Pulumi SDK registering every resource, synchronously);
 * before_containers: then until the first container is asked for (preflight, network, image);
 * containers: until the last container's create returned;
 * after_containers: until the check returned (the replicas' first sync, each node's wait, the check).
 */
export interface UpPhases<T> {
    program: T;
    before_containers: T;
    containers: T;
    after_containers: T;
}

/** The four parts of one deployment's up, ms. */
export function phasesOf(t: DeployTimes): UpPhases<number> {
    return {
        program: t.constructedAt - t.declaredAt,
        before_containers: t.firstContainerAt - t.constructedAt,
        containers: t.lastContainerDoneAt - t.firstContainerAt,
        after_containers: t.checkDoneAt - t.lastContainerDoneAt,
    };
}

export const PHASES: (keyof UpPhases<unknown>)[] = ["program", "before_containers", "containers", "after_containers"];

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
        const samples: Record<Variant, number[]> = { tuned: [], stock: [] };
        const checkMs: Record<Variant, number[]> = { tuned: [], stock: [] };
        const containersMs: Record<Variant, number[]> = { tuned: [], stock: [] };
        const phases: UpPhases<number[]> = { program: [], before_containers: [], containers: [], after_containers: [] };
        const stalled = { tuned: 0, stock: 0, of: runs };
        for (let run = 0; run < runs; run++) {
            for (const variant of orderFor(run)) {
                const d = await deploy(variant, replicas, baseImage, { timedTeardown: replicas === 2 });
                samples[variant].push(d.deployMs);
                checkMs[variant].push(d.checkDurationMs);
                const t = d.times;
                containersMs[variant].push(t.lastContainerDoneAt - t.firstContainerAt);
                if (variant === "tuned") {
                    const p = phasesOf(t);
                    for (const k of PHASES) phases[k].push(p[k]);
                }
                if (d.checkDurationMs > stallThresholdMs(variant)) stalled[variant]++;
                if (replicas === 2) teardownSamples.push(d.teardownMs);
                log(
                    `deploy 1+${replicas} ${variant.padEnd(5)} run ${run + 1}/${runs}: ${Math.round(d.deployMs)} ms (check ${d.checkDurationMs} ms, teardown ${Math.round(d.teardownMs)} ms)`,
                );
            }
        }
        const tuned = stats(samples.tuned, `deploy 1+${replicas} tuned`);
        const stock = stats(samples.stock, `deploy 1+${replicas} stock`);
        entries.push({
            replicas,
            tuned_ms: tuned,
            stock_ms: stock,
            stock_over_tuned: Math.round((stock.median / tuned.median) * 100) / 100,
            containers_ms: {
                tuned: stats(containersMs.tuned, `containers 1+${replicas} tuned`),
                stock: stats(containersMs.stock, `containers 1+${replicas} stock`),
            },
            tuned_phases_ms: {
                program: stats(phases.program, `program 1+${replicas}`),
                before_containers: stats(phases.before_containers, `before the containers 1+${replicas}`),
                containers: stats(phases.containers, `containers 1+${replicas}`),
                after_containers: stats(phases.after_containers, `after the containers 1+${replicas}`),
            },
            check_ms: {
                tuned: stats(checkMs.tuned, `check 1+${replicas} tuned`),
                stock: stats(checkMs.stock, `check 1+${replicas} stock`),
            },
            stalled_runs: stalled,
            runs_ms: { tuned: samples.tuned.map(Math.round), stock: samples.stock.map(Math.round) },
            check_runs_ms: checkMs,
        });
    }
    return { entries, teardownSamples };
}

// npm run bench [-- --quick]: measures the component on the local Docker engine through the
// live backend of harness/liveDocker, writes bench/results/, and updates docs/performance.md.
import * as os from "os";
import { performance } from "perf_hooks";
import { dockerClient, dockerUnavailableReason } from "../harness/docker";
import { ensureBaseImage } from "../harness/image";
import { removeLeftovers } from "../harness/liveDocker";
import { measureCheckLatency } from "./checkLatency";
import { COMPOSE_LABEL, measureCompose } from "./compose";
import { measureDeploy } from "./deploy";
import { measureStartFloor } from "./engineFloor";
import { measureFailover } from "./failover";
import { deploy, initPulumi, LABEL } from "./groups";
import { measureImage, removeProjectImage } from "./image";
import { measureLoad } from "./load";
import { LIVE_IMAGES, LIVE_LABELS, measureLiveConfig } from "./liveConfig";
import { measureTls, TLS_IMAGES, TLS_LABELS } from "./tls";
import { measureMultihost, MULTIHOST_IMAGES, MULTIHOST_LABELS } from "./multihost";
import { HOST_REPLACEMENT_IMAGES, measureHostReplacement } from "./hostReplacement";
import { BACKUP_IMAGES, BACKUP_LABELS, measureBackup } from "./backup";
import { measureMetrics, METRICS_IMAGES, METRICS_LABELS } from "./metrics";
import { measureRollout, ROLLOUT_IMAGES } from "./rollout";
import { judge } from "./goals";
import { consoleTable, updatePerformancePage, writeResults } from "./report";
import type { BenchResult } from "./result";
import { stats } from "./stats";

interface Plan {
    mode: "quick" | "full";
    sizes: number[];
    runs: number;
    /** SETs of the lag measure: the replica-lag goal (p99 ≤ 50 ms) is judged under 100 000 of them. */
    setRequests: number;
    /** GETs per redis-benchmark of the throughput measure. */
    getRequests: number;
    /** Sentinel failovers measured (at least 3). */
    failovers: number;
    /** Rollouts measured per variant (without and with sentinels). */
    rollouts: number;
    /** Replica counts of the compose baseline. */
    composeSizes: number[];
}

const PLANS: Record<Plan["mode"], Plan> = {
    quick: {
        mode: "quick",
        sizes: [2, 8],
        runs: 3,
        setRequests: 100_000,
        getRequests: 30_000,
        failovers: 3,
        rollouts: 3,
        composeSizes: [2],
    },
    full: {
        mode: "full",
        sizes: [1, 2, 4, 8],
        runs: 5,
        setRequests: 100_000,
        getRequests: 100_000,
        failovers: 5,
        rollouts: 5,
        composeSizes: [2, 8],
    },
};

/** Label and image of the failover measure's own group (its name is fixed in bench/failover.ts). */
const FAILOVER_LABEL = `${LABEL}-failover`;
const FAILOVER_IMAGE = "redis-replication/rrfailover:latest";
const DOWN_AFTER_MS = 1000;

const started = performance.now();
function log(s: string): void {
    console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${s}`);
}

async function engine(): Promise<{ engine: string; cpus: number }> {
    const docker = dockerClient();
    const [v, info] = await Promise.all([docker.version(), docker.info() as Promise<{ NCPU?: number; Driver?: string }>]);
    return {
        engine: `Docker ${v.Version} (API ${v.ApiVersion}, ${v.Os}/${v.Arch}, kernel ${v.KernelVersion}, ${info.Driver ?? "?"})`,
        cpus: info.NCPU ?? os.cpus().length,
    };
}

let cleaning: Promise<void> | undefined;
/** Removes whatever carries the bench's label, and its image tag. */
function cleanup(): Promise<void> {
    cleaning ??= (async () => {
        for (const label of [
            LABEL,
            COMPOSE_LABEL,
            FAILOVER_LABEL,
            "bench-rollout-1",
            "bench-rollout-2",
            ...LIVE_LABELS,
            ...TLS_LABELS,
            ...MULTIHOST_LABELS,
            ...BACKUP_LABELS,
            ...METRICS_LABELS,
        ]) {
            const left = await removeLeftovers(label).catch((err: unknown) => [`(removeLeftovers failed: ${(err as Error).message})`]);
            if (left.length > 0) log(`removed leftovers: ${left.join("; ")}`);
        }
        await removeProjectImage().catch((err: unknown) => log(`could not remove the project image: ${(err as Error).message}`));
        for (const tag of [
            FAILOVER_IMAGE,
            ...ROLLOUT_IMAGES,
            ...LIVE_IMAGES,
            ...TLS_IMAGES,
            ...MULTIHOST_IMAGES,
            ...HOST_REPLACEMENT_IMAGES,
            ...BACKUP_IMAGES,
            ...METRICS_IMAGES,
        ]) {
            await dockerClient()
                .getImage(tag)
                .remove()
                .catch(() => undefined);
        }
    })();
    return cleaning;
}

async function main(): Promise<void> {
    const plan = PLANS[process.argv.includes("--quick") ? "quick" : "full"];
    const reason = await dockerUnavailableReason();
    if (reason !== undefined) throw new Error(`bench needs a Docker engine: ${reason}`);
    const stale = await removeLeftovers(LABEL);
    if (stale.length > 0) log(`removed leftovers of an earlier run: ${stale.join("; ")}`);
    const eng = await engine();
    log(`${plan.mode} run on ${eng.engine}, ${eng.cpus} CPUs`);
    const base = await ensureBaseImage();
    await initPulumi();
    try {
        const image = await measureImage(base, plan.runs, log);
        // n+1 containers for each 1+n deploy; 1 and 2 for the notes.
        const counts = [...new Set([1, 2, ...plan.sizes, ...plan.sizes.map((n) => n + 1)])].sort((a, b) => a - b);
        const floor = await measureStartFloor(counts, plan.runs, log);
        const warm = await deploy("tuned", 2, base);
        log(`warm-up deploy 1+2: ${Math.round(warm.deployMs)} ms (not counted)`);
        const dep = await measureDeploy(plan.sizes, plan.runs, base, log);
        const compose = await measureCompose(plan.composeSizes, plan.runs, base, log);
        const latency = await measureCheckLatency("tuned", plan.runs, base, log);
        const { lag, throughput, roundTrip } = await measureLoad(base, plan.setRequests, plan.getRequests, log);
        // measureFailover sets Pulumi's mocks for its own backend: the bench's are set again after it.
        const failover = await measureFailover({
            runs: plan.failovers,
            baseImage: base,
            testLabel: FAILOVER_LABEL,
            downAfterMilliseconds: DOWN_AFTER_MS,
            log: (line) => log(`failover ${line}`),
        }).finally(initPulumi);
        const rollout = await measureRollout(plan.rollouts, base, (line) => log(`rollout ${line}`)).finally(initPulumi);
        const live = await measureLiveConfig(plan.rollouts, base, (line) => log(`live ${line}`)).finally(initPulumi);
        const tls = await measureTls(plan.rollouts, base, plan.getRequests, (line) => log(`tls ${line}`)).finally(initPulumi);
        const multihost = await measureMultihost(plan.rollouts, base, (line) => log(`multihost ${line}`)).finally(initPulumi);
        const hostReplacement = await measureHostReplacement(2, base, (line) => log(`host replacement ${line}`)).finally(initPulumi);
        const backup = await measureBackup(plan.rollouts, base, (line) => log(`backup ${line}`)).finally(initPulumi);
        const metrics = await measureMetrics(plan.rollouts, base, plan.getRequests, (line) => log(`metrics ${line}`)).finally(initPulumi);
        const partial: Omit<BenchResult, "goals"> = {
            date: new Date().toISOString(),
            ...eng,
            mode: plan.mode,
            runs: plan.runs,
            runtime_s: Math.round((performance.now() - started) / 100) / 10,
            deploy: dep.entries,
            check_latency_ms: latency.total,
            check_latency_detail: latency,
            image,
            docker_start_ms: floor,
            teardown_ms: stats(dep.teardownSamples, "teardown"),
            ...compose,
            lag,
            throughput,
            ioredis_round_trip_us: roundTrip,
            failover_ms: { min: failover.min, median: failover.median, max: failover.max },
            failover_detail: {
                down_after_ms: DOWN_AFTER_MS,
                acked_writes: failover.runs.reduce((n, r) => n + r.acked, 0),
                lost_acked_writes: failover.runs.reduce((n, r) => n + r.lost, 0),
                runs: failover.runs,
            },
            ...rollout,
            ...live,
            ...tls,
            ...multihost,
            ...hostReplacement,
            ...backup,
            ...metrics,
        };
        const result: BenchResult = { ...partial, goals: judge(partial) };
        const files = writeResults(result);
        await updatePerformancePage(result);
        console.log(consoleTable(result));
        log(`wrote ${files.join(", ")} and docs/performance.md`);
    } finally {
        await cleanup();
    }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
        log(`${signal}: cleaning up`);
        void cleanup().finally(() => process.exit(130));
    });
}
process.on("unhandledRejection", (err) => {
    // A failed resource also rejects promises nobody awaits; the deployment that owns it reports it.
    log(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`);
});

main().then(
    () => process.exit(0),
    (err: unknown) => {
        console.error(err instanceof Error ? (err.stack ?? err.message) : err);
        void cleanup().finally(() => process.exit(1));
    },
);

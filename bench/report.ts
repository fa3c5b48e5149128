// The run's result: the JSON other checks read, the console table, and README's Performance section.
import * as fs from "fs";
import * as path from "path";
import type { CheckLatency } from "./checkLatency";
import { DeployEntry, STALL_MS, stallThresholdMs } from "./deploy";
import type { StartFloor } from "./engineFloor";
import type { FailoverSample } from "./failover";
import { STOCK } from "./harness";
import type { ImageResult } from "./image";
import type { Lag, Throughput } from "./load";
import { Stats, stats } from "./stats";

export interface BenchResult {
    date: string;
    engine: string;
    cpus: number;
    mode: "quick" | "full";
    runs: number;
    runtime_s: number;
    deploy: DeployEntry[];
    check_latency_ms: Stats;
    /** check_latency_ms, and where the median run's latency went. */
    check_latency_detail: CheckLatency;
    image: ImageResult;
    /** Docker's own create + start of n bare containers at once, to read the deploy figures against. */
    docker_start_ms: StartFloor[];
    teardown_ms: Stats;
    lag: Lag;
    throughput: Throughput;
    /** Sentinel failover of a 1+2 group with 3 sentinels: docker stop of the master -> new master and a write acknowledged. */
    failover_ms: Stats;
    failover_detail: FailoverDetail;
    goals: Goal[];
}

export interface FailoverDetail {
    /** sentinel.downAfterMilliseconds of the measured group. */
    down_after_ms: number;
    /** Writes acknowledged by a replica (WAIT 1) over all runs, and how many of them the new master lacked. */
    acked_writes: number;
    lost_acked_writes: number;
    runs: FailoverSample[];
}

export interface Goal {
    id: string;
    goal: string;
    target: string;
    measured: string;
    pass: boolean | null;
}

export const RESULTS_DIR = path.resolve(__dirname, "results");
const README = path.resolve(__dirname, "..", "README.md");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtStats = (s: Stats): string => `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
const fmtSec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** The goals of issue 5, judged on the medians. */
export function judge(r: Omit<BenchResult, "goals">): Goal[] {
    const at = (n: number) => r.deploy.find((d) => d.replicas === n);
    const d2 = at(2);
    const d8 = at(8);
    const goals: Goal[] = [];
    const notMeasured = { measured: "not measured", pass: null };
    goals.push({
        id: "deploy_1_2",
        goal: "deploy 1+2, tuned",
        target: "≤ 1.2 s",
        ...(d2 ? { measured: fmtMs(d2.tuned_ms.median), pass: d2.tuned_ms.median <= 1200 } : notMeasured),
    });
    goals.push({
        id: "stock_over_tuned",
        goal: "stock / tuned, 1+2",
        target: "≥ 4×",
        ...(d2 ? { measured: `${d2.stock_over_tuned}×`, pass: d2.stock_over_tuned >= 4 } : notMeasured),
    });
    goals.push({
        id: "scale_8_over_2",
        goal: "tuned 1+8 / tuned 1+2",
        target: "≤ 1.5×",
        ...(d2 && d8
            ? { measured: `${ratio(d8.tuned_ms.median, d2.tuned_ms.median)}×`, pass: d8.tuned_ms.median <= 1.5 * d2.tuned_ms.median }
            : notMeasured),
    });
    const lat = r.check_latency_ms.median;
    goals.push({
        id: "check_latency",
        goal: "check latency (last link up → check returned)",
        target: "≤ 50 ms",
        measured: fmtMs(lat),
        pass: lat <= 50,
    });
    goals.push({
        id: "image_size",
        goal: "project image / base image",
        target: "≤ 1.2×",
        measured: `${r.image.size_ratio}×`,
        pass: r.image.size_ratio <= 1.2,
    });
    goals.push({
        id: "warm_rebuild",
        goal: "warm rebuild",
        target: "≤ 1 s",
        measured: fmtMs(r.image.warm_rebuild_ms),
        pass: r.image.warm_rebuild_ms <= 1000,
    });
    goals.push({
        id: "teardown",
        goal: "teardown of 1+2",
        target: "≤ 1 s",
        measured: fmtMs(r.teardown_ms.median),
        pass: r.teardown_ms.median <= 1000,
    });
    goals.push({
        id: "lag_p99",
        goal: "replica lag p99 under SET load",
        target: "≤ 50 ms",
        measured: fmtMs(r.lag.p99_ms),
        pass: r.lag.p99_ms <= 50,
    });
    goals.push({
        id: "failover",
        goal: `failover: a new master after the master's loss (down-after ${r.failover_detail.down_after_ms} ms)`,
        target: "≤ 5 s",
        measured: `${fmtSec(r.failover_ms.median)} (max ${fmtSec(r.failover_ms.max)})`,
        pass: r.failover_ms.median <= 5000,
    });
    goals.push({
        id: "failover_lost",
        goal: "acknowledged writes lost in the failovers",
        target: "0",
        measured: `${r.failover_detail.lost_acked_writes} of ${r.failover_detail.acked_writes}`,
        pass: r.failover_detail.lost_acked_writes === 0,
    });
    return goals;
}

/** What was found behind a goal, and whose it is to fix; shown when `when` holds. */
interface Note {
    id: string;
    when: (r: BenchResult, g: Goal) => boolean;
    text: (r: BenchResult) => string;
}

const missed = (_r: BenchResult, g: Goal): boolean => g.pass === false;
const stalls = (r: BenchResult, v: "tuned" | "stock"): number => r.deploy.reduce((n, e) => n + e.stalled_runs[v], 0);
const allRuns = (r: BenchResult): number => r.deploy.reduce((n, e) => n + e.stalled_runs.of, 0);

const NOTES: Note[] = [
    {
        id: "deploy_1_2",
        // Shown whenever a tuned run stalled: a lucky median can hide the stalls.
        when: (r, g) => missed(r, g) || stalls(r, "tuned") > 0,
        text: (r) => {
            const d2 = r.deploy.find((e) => e.replicas === 2);
            const f1 = floor(r, 1);
            const f2 = floor(r, 2);
            const parts = d2
                ? `Of the median 1+2 deploy, the master's container took ${fmtMs(d2.tuned_waves_ms.master.median)}, the replicas' (created once the master's returned) ${fmtMs(d2.tuned_waves_ms.replicas.median)}, and the check ${fmtMs(d2.check_ms.tuned.median)}. `
                : "";
            const docker =
                f1 !== undefined && f2 !== undefined
                    ? `Docker alone, without Pulumi, network attach or upload, needs ${fmtMs(f1)} to create and start one bare container and ${fmtMs(f2)} for two at once; `
                    : "";
            return (
                parts +
                docker +
                "each wave adds the provider's network attach, config upload and its read-back 100 ms after the start, so the time is Docker's and the provider's, and grows with the host's load. " +
                `Not ours to cut further: the wait for the master's wave is what keeps a replica from meeting a master that does not listen yet, which costs Redis's 1 s reconnect (tuned stalled in ${stalls(r, "tuned")} of ${allRuns(r)} runs over all sizes). ` +
                "Starting the replicas alongside the master and having them wait for its port would need a shell in the image, which the FROM-scratch test base lacks."
            );
        },
    },
    {
        id: "stock_over_tuned",
        // Also shown when stock stalled: its max values are the stalls.
        when: (r, g) => missed(r, g) || stalls(r, "stock") > 0,
        text: (r) =>
            `Stock is bound by its ${STOCK.disklessSyncDelay} s diskless-sync delay, whatever the load: the delay runs from the first replica's connect, and a clean stock check ends ${STOCK.disklessSyncDelay} s after that ` +
            "(so less than 5 s at 1+8, where the replicas' wave has used part of the delay before the check starts). " +
            `In ${stalls(r, "stock")} of ${allRuns(r)} stock runs the check took about a second more (over ${fmtMs(stallThresholdMs("stock"))}): ` +
            "the fork waits for Redis's once-a-second cron after the delay, or the master for the replica's next once-a-second ACK, or the check for its next 1 s poll.",
    },
    {
        id: "scale_8_over_2",
        when: missed,
        text: (r) => {
            const f2 = floor(r, 2);
            const f8 = floor(r, 8);
            const d2 = r.deploy.find((e) => e.replicas === 2);
            const d8 = r.deploy.find((e) => e.replicas === 8);
            const docker =
                f2 !== undefined && f8 !== undefined
                    ? ` The bench's Docker-alone measure shows it: two bare containers created and started at once take ${fmtMs(f2)}, eight ${fmtMs(f8)} (${ratio(f8, f2)}×).`
                    : "";
            const ours =
                d2 && d8
                    ? ` In the deploys, the replicas' wave took ${fmtMs(d2.tuned_waves_ms.replicas.median)} at 1+2 and ${fmtMs(d8.tuned_waves_ms.replicas.median)} at 1+8; the master's (${fmtMs(d2.tuned_waves_ms.master.median)}, ${fmtMs(d8.tuned_waves_ms.master.median)}) and the check (${fmtMs(d2.check_ms.tuned.median)}, ${fmtMs(d8.check_ms.tuned.median)}) hardly grow: cutting them would only raise the ratio.` +
                      replicationShare(r, d8)
                    : "";
            return `Not ours: dockerd starts containers one after another, so the replicas' wave grows with their number.${docker}${ours}`;
        },
    },
    {
        id: "check_latency",
        when: missed,
        text: (r) => {
            const p = r.check_latency_detail.median_run;
            return (
                (p.up_to_containers_done >= 0
                    ? `Mostly not ours. Of the median run, ${fmtMs(p.up_to_containers_done)} passed between the last link coming up and the last container create returning: `
                    : `In the median run the last link came up ${fmtMs(-p.up_to_containers_done)} after the last container create returned; usually it is the other way round: `) +
                "the check `dependsOn` the containers, and pulumi-docker (mirrored by the live backend) returns a create only after reading the started container back 100 ms later, while a replica links up within ms of its start. " +
                `Then ${fmtMs(p.containers_done_to_check_start)} passed until the check was registered, and ${fmtMs(p.check_run)} in the check itself, the part that is ours ` +
                "(connecting to every node, INFO on each, a probe write, WAIT and the read-back on every replica). " +
                "It could only start sooner without waiting for the containers (no `dependsOn`/`containerIds`), which would lose the re-check when a container is replaced: not proposed."
            );
        },
    },
    {
        id: "teardown",
        when: missed,
        text: () =>
            "Not ours: the live backend removes resources one by one, newest first (~200 ms per container in dockerd here); `pulumi destroy` deletes the independent containers in parallel.",
    },
    {
        id: "lag_p99",
        when: missed,
        text: () =>
            "Offsets are sampled every 10 ms. On 2 CPUs, redis-benchmark's 50 clients, the master, both replicas and docker-proxy share the cores: a miss here is CPU contention, not replication.",
    },
    {
        id: "image_size",
        when: missed,
        text: () => "The Dockerfile adds only directories and metadata (no RUN); a miss means the base changed.",
    },
    {
        id: "warm_rebuild",
        when: missed,
        text: () => "A warm rebuild is all cache hits; its time is the context upload and dockerd's cache lookup.",
    },
    {
        id: "failover",
        // Shown when a run took longer than the goal, even if the median met it.
        when: (r, g) => missed(r, g) || r.failover_ms.max > 5000,
        text: (r) => {
            const runs = r.failover_detail.runs;
            const stop = stats(
                runs.map((x) => x.stopMs),
                "docker stop",
            );
            const after = stats(
                runs.map((x) => x.newMasterAfterExitMs),
                "new master after exit",
            );
            return (
                `\`docker stop\` of the master took ${fmtStats(stop)}: Redis waits for its replicas before it exits. From the exit, the sentinels needed ${fmtStats(after)} to report a new master: ` +
                `down-after ${r.failover_detail.down_after_ms} ms, then the vote and the promotion. Not ours unless the stop is what grew: the sentinels' timing is Redis's, from the configured down-after; every run is in \`failover_detail.runs\` of latest.json.`
            );
        },
    },
    {
        id: "failover_lost",
        when: missed,
        text: () =>
            "A write acknowledged by a replica (`WAIT 1`) but missing on the new master means Sentinel promoted a replica that had not got it: see `runs` in latest.json.",
    },
];

/** Whether replication's own work showed in the containers' time: tuned (syncing during the waves) against stock (syncing 5 s later). */
function replicationShare(r: BenchResult, d: DeployEntry): string {
    const tuned = d.containers_ms.tuned.median;
    const stock = d.containers_ms.stock.median;
    const both = `all containers took ${fmtMs(tuned)} at 1+${d.replicas} in tuned, ${fmtMs(stock)} in stock, whose sync starts ${STOCK.disklessSyncDelay} s later`;
    return tuned > stock * 1.1
        ? ` Replication's own work (the master's RDB fork, each replica's load and initial AOF rewrite), which a deploy must do before its check can pass, shares the ${r.cpus} cores with dockerd during that wave: likely why ${both}.`
        : ` Replication's own work (the master's RDB fork, each replica's load and initial AOF rewrite) does not measurably slow the waves: ${both}.`;
}

function floor(r: BenchResult, containers: number): number | undefined {
    return r.docker_start_ms.find((f) => f.containers === containers)?.start_ms.median;
}

function goalsTable(goals: Goal[]): string {
    const mark = (p: boolean | null): string => (p === null ? "–" : p ? "pass" : "**miss**");
    const rows = goals.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${mark(g.pass)} |`);
    return ["| goal | target | measured | |", "|---|---|---|---|", ...rows].join("\n");
}

function deployTable(r: BenchResult): string {
    const rows = r.deploy.map(
        (d) =>
            `| 1+${d.replicas} | ${fmtStats(d.tuned_ms)} | ${fmtStats(d.stock_ms)} | ${d.stock_over_tuned}× | ` +
            `${fmtMs(d.tuned_waves_ms.master.median)} + ${fmtMs(d.tuned_waves_ms.replicas.median)} | ${fmtStats(d.check_ms.tuned)} | ${fmtStats(d.check_ms.stock)} | ` +
            `${d.stalled_runs.tuned} / ${d.stalled_runs.stock} of ${d.stalled_runs.of} |`,
    );
    return [
        "| nodes | tuned | stock | stock/tuned | containers, tuned: master + replicas | check's own time, tuned | check's own time, stock | runs stalled, tuned / stock |",
        "|---|---|---|---|---|---|---|---|",
        ...rows,
    ].join("\n");
}

function otherTable(r: BenchResult): string {
    const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
    const fo = r.failover_detail;
    const newMaster = stats(
        fo.runs.map((x) => x.newMasterMs),
        "new master",
    );
    const rejoin = stats(
        fo.runs.map((x) => x.rejoinMs),
        "rejoin",
    );
    return [
        "| measure | median (min–max) or value |",
        "|---|---|",
        `| check latency, tuned | ${fmtStats(r.check_latency_ms)} |`,
        `| Docker alone: create + start of n bare containers at once | ${r.docker_start_ms.map((f) => `${f.containers}: ${fmtStats(f.start_ms)}`).join("; ")} |`,
        `| image size, base / project | ${mb(r.image.base_bytes)} / ${mb(r.image.image_bytes)} (${r.image.size_ratio}×) |`,
        `| cold build (no cache) / warm rebuild | ${fmtStats(r.image.cold_build_stats)} / ${fmtStats(r.image.warm_rebuild_stats)} |`,
        `| teardown of 1+2 | ${fmtStats(r.teardown_ms)} |`,
        `| replica lag under SET (${r.lag.set_rps} rps), p50 / p99 / max | ${r.lag.p50_ms} / ${r.lag.p99_ms} / ${r.lag.max_ms} ms; ${r.lag.p50_bytes} / ${r.lag.p99_bytes} / ${r.lag.max_bytes} bytes |`,
        `| GET throughput, master alone / master + replicas | ${r.throughput.master_get_rps} / ${r.throughput.all_nodes_get_rps} rps (${r.throughput.per_node_get_rps.join(" + ")}) |`,
        `| failover (${fo.runs.length} runs): stop → new master and a write acknowledged; → new master reported | ${fmtStats(r.failover_ms)}; ${fmtStats(newMaster)} |`,
        `| failover: acknowledged writes lost; old master rejoined as a replica after its restart | ${fo.lost_acked_writes} of ${fo.acked_writes}; ${fmtStats(rejoin)} |`,
    ].join("\n");
}

/** The Performance section's body (between the markers). */
export function readmeSection(r: BenchResult): string {
    const notes = r.goals.flatMap((g) => NOTES.filter((n) => n.id === g.id && n.when(r, g)).map((n) => `- ${g.goal}: ${n.text(r)}`));
    return [
        START,
        "",
        "`npm run bench` deploys groups on the local Docker engine through the docker test tier's live backend and measures them; " +
            "`npm run bench -- --quick` is a reduced run (fewer runs and sizes). Each run writes [bench/results/latest.json](bench/results/latest.json), " +
            "keeps a copy per date in bench/results/, and rewrites this section. Deploy time runs from the first container's create to the replication check passing, image warm. " +
            "Failover ([bench/failover.ts](bench/failover.ts)) deploys a 1+2 group with 3 sentinels, then, run after run, `docker stop`s the current master under a writer " +
            "that confirms each write with `WAIT 1 1000`, and times it until Sentinel reports a new master and a write is acknowledged again.",
        "",
        `Last run: ${r.date}, ${r.mode} (${r.runs} runs per figure, ${r.failover_detail.runs.length} failovers, ${Math.round(r.runtime_s)} s), ${r.engine}, ${r.cpus} CPUs. Figures are medians (min–max).`,
        "",
        "Variants, deployed alternately: **tuned** is the component's defaults (replicas created after the master, disk-based initial sync, the check polling from 10 ms); " +
            `**stock** is Redis's stock replication, \`replication: { disklessSync: true, disklessSyncDelay: ${STOCK.disklessSyncDelay} }\`, with \`checkPollIntervalMs: ${STOCK.checkPollIntervalMs}\`, what the manual recipe amounts to. ` +
            `A run counts as stalled when its check took over ${fmtMs(stallThresholdMs("tuned"))} (tuned) or over ${fmtMs(stallThresholdMs("stock"))} ` +
            `(stock: ${STALL_MS} ms beyond its ${STOCK.disklessSyncDelay} s delay): it waited for a once-a-second timer.`,
        "",
        goalsTable(r.goals),
        "",
        deployTable(r),
        "",
        otherTable(r),
        "",
        ...(notes.length > 0 ? ["What is behind the figures (misses, and stalls a median can hide):", "", ...notes, ""] : []),
        END,
    ].join("\n");
}

/** Replaces the marked section of README.md, or appends a Performance section with it. */
export async function updateReadme(r: BenchResult): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const prettier = require("prettier") as typeof import("prettier");
    const options = (await prettier.resolveConfig(README)) ?? {};
    const section = (await prettier.format(readmeSection(r), { ...options, parser: "markdown" })).trimEnd();
    const text = fs.readFileSync(README, "utf8");
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    let next: string;
    if (start >= 0 && end > start) next = text.slice(0, start) + section + text.slice(end + END.length);
    else next = `${text.trimEnd()}\n\n## Performance\n\n${section}\n`;
    fs.writeFileSync(README, next);
}

/** Writes latest.json and the dated copy; returns their paths. */
export function writeResults(r: BenchResult): string[] {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const json = JSON.stringify(r, null, 2) + "\n";
    const dated = path.join(RESULTS_DIR, `${r.date.slice(0, 10)}${r.mode === "quick" ? "-quick" : ""}.json`);
    const latest = path.join(RESULTS_DIR, "latest.json");
    fs.writeFileSync(dated, json);
    fs.writeFileSync(latest, json);
    return [latest, dated];
}

/** The console summary. */
export function consoleTable(r: BenchResult): string {
    const pad = (s: string, n: number) => s.padEnd(n);
    const lines = [
        "",
        `${pad("goal", 72)}${pad("target", 10)}${pad("measured", 22)}`,
        ...r.goals.map(
            (g) => `${pad(g.goal, 72)}${pad(g.target, 10)}${pad(g.measured, 22)}${g.pass === null ? "-" : g.pass ? "pass" : "MISS"}`,
        ),
        "",
        `${pad("nodes", 8)}${pad("tuned", 26)}${pad("stock", 26)}${pad("ratio", 8)}${pad("check tuned", 26)}${pad("check stock", 26)}stalls tuned/stock`,
        ...r.deploy.map(
            (d) =>
                `${pad(`1+${d.replicas}`, 8)}${pad(fmtStats(d.tuned_ms), 26)}${pad(fmtStats(d.stock_ms), 26)}${pad(`${d.stock_over_tuned}×`, 8)}` +
                `${pad(fmtStats(d.check_ms.tuned), 26)}${pad(fmtStats(d.check_ms.stock), 26)}${d.stalled_runs.tuned}/${d.stalled_runs.stock} of ${d.stalled_runs.of}`,
        ),
        "",
        otherTable(r)
            .split("\n")
            .filter((l) => !l.startsWith("|---"))
            .map((l) => l.replace(/^\| | \|$/g, "").replace(" | ", ": "))
            .slice(1)
            .join("\n"),
    ];
    return lines.join("\n");
}

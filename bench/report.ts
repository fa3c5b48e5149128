// The run's result: the JSON other checks read, the console table, and README's Performance section.
import * as fs from "fs";
import * as path from "path";
import type { CheckLatency } from "./checkLatency";
import { DeployEntry, STALL_MS } from "./deploy";
import type { StartFloor } from "./engineFloor";
import type { ImageResult } from "./image";
import type { Lag, Throughput } from "./load";
import { median, Stats } from "./stats";

export interface BenchResult {
    date: string;
    engine: string;
    cpus: number;
    mode: "quick" | "full";
    runs: number;
    runtime_s: number;
    deploy: DeployEntry[];
    check_latency_ms: Stats;
    /** Where check_latency goes, tuned; and the whole of it with the proposed changes. */
    check_latency_detail: { tuned: CheckLatency; proposed: CheckLatency };
    image: ImageResult;
    /** Docker's own create + start of n bare containers at once, to read the deploy figures against. */
    docker_start_ms: StartFloor[];
    teardown_ms: Stats;
    lag: Lag;
    throughput: Throughput;
    goals: Goal[];
}

export interface Goal {
    id: string;
    goal: string;
    target: string;
    measured: string;
    pass: boolean | null;
    /** The same goal with the proposed component changes, where they apply. */
    proposed?: string;
    proposed_pass?: boolean | null;
}

export const RESULTS_DIR = path.resolve(__dirname, "results");
const README = path.resolve(__dirname, "..", "README.md");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtStats = (s: Stats): string => `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
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
        ...(d2 ? { proposed: fmtMs(d2.proposed_ms.median), proposed_pass: d2.proposed_ms.median <= 1200 } : {}),
    });
    goals.push({
        id: "stock_over_tuned",
        goal: "stock / tuned, 1+2",
        target: "≥ 4×",
        ...(d2 ? { measured: `${d2.stock_over_tuned}×`, pass: d2.stock_over_tuned >= 4 } : notMeasured),
        ...(d2
            ? {
                  proposed: `${ratio(d2.stock_ms.median, d2.proposed_ms.median)}×`,
                  proposed_pass: d2.stock_ms.median / d2.proposed_ms.median >= 4,
              }
            : {}),
    });
    goals.push({
        id: "scale_8_over_2",
        goal: "tuned 1+8 / tuned 1+2",
        target: "≤ 1.5×",
        ...(d2 && d8
            ? { measured: `${ratio(d8.tuned_ms.median, d2.tuned_ms.median)}×`, pass: d8.tuned_ms.median <= 1.5 * d2.tuned_ms.median }
            : notMeasured),
        ...(d2 && d8
            ? {
                  proposed: `${ratio(d8.proposed_ms.median, d2.proposed_ms.median)}×`,
                  proposed_pass: d8.proposed_ms.median <= 1.5 * d2.proposed_ms.median,
              }
            : {}),
    });
    const lat = r.check_latency_ms.median;
    const latP = r.check_latency_detail.proposed.total.median;
    goals.push({
        id: "check_latency",
        goal: "check latency (last link up → check returned)",
        target: "≤ 50 ms",
        measured: fmtMs(lat),
        pass: lat <= 50,
        proposed: fmtMs(latP),
        proposed_pass: latP <= 50,
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
    return goals;
}

/** What was found behind a goal, and whose it is to fix; shown when `when` holds. */
interface Note {
    id: string;
    when: (r: BenchResult, g: Goal) => boolean;
    text: (r: BenchResult) => string;
}

const missed = (_r: BenchResult, g: Goal): boolean => g.pass === false || g.proposed_pass === false;

const NOTES: Note[] = [
    {
        id: "deploy_1_2",
        // Shown whenever a tuned run stalled: a lucky median can hide the stalls.
        when: (r, g) => missed(r, g) || r.deploy.some((d) => d.stalled_runs.tuned > 0),
        text: (r) => {
            const d2 = r.deploy.find((e) => e.replicas === 2);
            const all = r.deploy.reduce((n, e) => n + e.stalled_runs.tuned, 0);
            const of = r.deploy.reduce((n, e) => n + e.stalled_runs.of, 0);
            const clean = d2 ? d2.runs_ms.tuned.filter((_, i) => (d2.tuned_check_runs_ms[i] ?? 0) <= STALL_MS) : [];
            const f1 = floor(r, 1);
            const f2 = floor(r, 2);
            return (
                `Tuned is bimodal: ${d2 ? `${d2.stalled_runs.tuned} of ${d2.stalled_runs.of} runs of 1+2, ` : ""}${all} of ${of} runs over all sizes, ` +
                `waited ~1 s for one of two once-a-second timers of Redis 7.0${clean.length > 0 ? `; the clean 1+2 runs took ${fmtMs(median(clean))} (median)` : ""}. Both are ours to remove. ` +
                "(1) The containers are created in parallel, so replicas often start before the master listens, and a replica's refused first connect is retried only by `replicationCron`, once a second. " +
                "(2) With diskless sync a replica's first `REPLCONF ACK` can reach the master before the master has reaped the fork child; the master then waits for the replica's next ACK, " +
                "sent once a second, before it streams writes, so the check's `WAIT` stalls. " +
                "Proposed: replica containers `dependsOn` the master's, and `repl-diskless-sync no`; the *proposed* column emulates both and stalled in " +
                `${r.deploy.reduce((n, e) => n + e.stalled_runs.proposed, 0)} of ${of} runs. It pays for creating the master's container before the replicas' ` +
                "(a few hundred ms against a clean tuned run at 1+1 and 1+2) and wins from 1+4 up, where tuned nearly always stalls. " +
                "What remains is Docker's: two waves of container create + upload + start + the provider's 100 ms read-back" +
                (f1 !== undefined && f2 !== undefined
                    ? ` (bare create + start here: ${fmtMs(f1)} for one container, ${fmtMs(f2)} for two at once)`
                    : "") +
                ", which grows with the host's load."
            );
        },
    },
    {
        id: "stock_over_tuned",
        when: missed,
        text: () =>
            "Follows from the tuned deploy time: stock is bound by the 5 s diskless-sync delay plus the 1 s poll, whatever the load.",
    },
    {
        id: "scale_8_over_2",
        when: missed,
        text: (r) => {
            const f2 = floor(r, 2);
            const f8 = floor(r, 8);
            const docker =
                f2 !== undefined && f8 !== undefined
                    ? ` (bare containers, no Pulumi: two at once ${fmtMs(f2)}, eight at once ${fmtMs(f8)})`
                    : "";
            return `Not ours: dockerd starts containers one after another${docker}, so nine containers cost about three times what three do. Replication itself adds tens of ms.`;
        },
    },
    {
        id: "check_latency",
        when: missed,
        text: (r) => {
            const p = r.check_latency_detail.proposed.median_run;
            return (
                `Median proposed run: link up → last container returned ${fmtMs(p.up_to_containers_done)}, → check registered ${fmtMs(p.containers_done_to_check_start)}, check ${fmtMs(p.check_run)}. ` +
                "The check can start only once every container's create has returned, and pulumi-docker (mirrored by the live backend) reads a container back 100 ms after starting it, " +
                "while a replica links up within ms of starting: that wait is not ours. The tuned figure moves with the stalls above: lower when a replica links late while the check is already polling, " +
                "higher when the ACK stall hits after the link is up. Ours only by not making the check wait for the containers (no `dependsOn`/`containerIds`), which loses the re-check when a container is replaced: not proposed."
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
];

function floor(r: BenchResult, containers: number): number | undefined {
    return r.docker_start_ms.find((f) => f.containers === containers)?.start_ms.median;
}

function goalsTable(goals: Goal[]): string {
    const mark = (p: boolean | null | undefined): string => (p === null || p === undefined ? "–" : p ? "pass" : "**miss**");
    const rows = goals.map(
        (g) =>
            `| ${g.goal} | ${g.target} | ${g.measured} | ${mark(g.pass)} | ${g.proposed ?? "–"} | ${g.proposed ? mark(g.proposed_pass) : "–"} |`,
    );
    return ["| goal | target | measured (tuned) | | with proposed changes | |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

function deployTable(r: BenchResult): string {
    const rows = r.deploy.map(
        (d) =>
            `| 1+${d.replicas} | ${fmtStats(d.tuned_ms)} | ${fmtStats(d.stock_ms)} | ${d.stock_over_tuned}× | ${fmtStats(d.proposed_ms)} | ` +
            `${fmtStats(d.tuned_check_ms)} | ${d.stalled_runs.tuned} / ${d.stalled_runs.proposed} of ${d.stalled_runs.of} |`,
    );
    return [
        `| nodes | tuned | stock | stock/tuned | proposed | check's own time, tuned | runs with a 1 s stall (check > ${STALL_MS} ms), tuned / proposed |`,
        "|---|---|---|---|---|---|---|",
        ...rows,
    ].join("\n");
}

function otherTable(r: BenchResult): string {
    const t = r.check_latency_detail.tuned;
    const p = r.check_latency_detail.proposed;
    const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
    return [
        "| measure | median (min–max) or value |",
        "|---|---|",
        `| check latency, tuned | ${fmtStats(t.total)} |`,
        `| check latency, proposed | ${fmtStats(p.total)} |`,
        `| Docker alone: create + start of n bare containers at once | ${r.docker_start_ms.map((f) => `${f.containers}: ${fmtStats(f.start_ms)}`).join("; ")} |`,
        `| image size, base / project | ${mb(r.image.base_bytes)} / ${mb(r.image.image_bytes)} (${r.image.size_ratio}×) |`,
        `| cold build (no cache) / warm rebuild | ${fmtStats(r.image.cold_build_stats)} / ${fmtStats(r.image.warm_rebuild_stats)} |`,
        `| teardown of 1+2 | ${fmtStats(r.teardown_ms)} |`,
        `| replica lag under SET (${r.lag.set_rps} rps), p50 / p99 / max | ${r.lag.p50_ms} / ${r.lag.p99_ms} / ${r.lag.max_ms} ms; ${r.lag.p50_bytes} / ${r.lag.p99_bytes} / ${r.lag.max_bytes} bytes |`,
        `| GET throughput, master alone / master + replicas | ${r.throughput.master_get_rps} / ${r.throughput.all_nodes_get_rps} rps (${r.throughput.per_node_get_rps.join(" + ")}) |`,
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
            "keeps a copy per date in bench/results/, and rewrites this section. Deploy time runs from the first container's create to the replication check passing, image warm.",
        "",
        `Last run: ${r.date}, ${r.mode} (${r.runs} runs per figure, ${Math.round(r.runtime_s)} s), ${r.engine}, ${r.cpus} CPUs. Figures are medians (min–max).`,
        "",
        "Variants, deployed alternately: **tuned** is the component's defaults; **stock** is Redis's stock replication " +
            "(`replication: { disklessSyncDelay: 5 }`, diskless sync) with a check polling once a second, what the manual recipe amounts to; " +
            "**proposed** is tuned plus the changes proposed below, emulated from the bench (replica containers created after the master's, `repl-diskless-sync no`).",
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
        `${pad("goal", 48)}${pad("target", 10)}${pad("measured", 14)}${pad("", 7)}${pad("proposed", 14)}`,
        ...r.goals.map(
            (g) =>
                `${pad(g.goal, 48)}${pad(g.target, 10)}${pad(g.measured, 14)}${pad(g.pass === null ? "-" : g.pass ? "pass" : "MISS", 7)}${pad(
                    g.proposed ? `${g.proposed} ${g.proposed_pass ? "pass" : "MISS"}` : "-",
                    14,
                )}`,
        ),
        "",
        `${pad("nodes", 8)}${pad("tuned", 26)}${pad("stock", 26)}${pad("ratio", 8)}${pad("proposed", 26)}1 s stalls tuned/proposed`,
        ...r.deploy.map(
            (d) =>
                `${pad(`1+${d.replicas}`, 8)}${pad(fmtStats(d.tuned_ms), 26)}${pad(fmtStats(d.stock_ms), 26)}${pad(`${d.stock_over_tuned}×`, 8)}${pad(fmtStats(d.proposed_ms), 26)}${d.stalled_runs.tuned}/${d.stalled_runs.proposed} of ${d.stalled_runs.of}`,
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

// The run's result: the JSON other checks read, the console table, and docs/performance.md.
import * as fs from "fs";
import * as path from "path";
import { PHASES, STALL_MS, stallThresholdMs } from "./deploy";
import { fmtMs, fmtStats } from "./format";
import { STOCK } from "./groups";
import { notesFor } from "./notes";
import type { BenchResult, Goal } from "./result";
import { stats } from "./stats";

export const RESULTS_DIR = path.resolve(__dirname, "results");
const PAGE = path.resolve(__dirname, "..", "docs", "performance.md");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

function goalsTable(goals: Goal[]): string {
    const mark = (p: boolean | null): string => (p === null ? "–" : p ? "pass" : "**miss**");
    const rows = goals.map((g) => `| ${g.goal} | ${g.target} | ${g.measured} | ${mark(g.pass)} |`);
    return ["| goal | target | measured | |", "|---|---|---|---|", ...rows].join("\n");
}

function deployTable(r: BenchResult): string {
    const rows = r.deploy.map(
        (d) =>
            `| 1+${d.replicas} | ${fmtStats(d.tuned_ms)} | ${fmtStats(d.stock_ms)} | ${d.stock_over_tuned}× | ` +
            `${PHASES.map((k) => fmtMs(d.tuned_phases_ms[k].median)).join(" + ")} | ${fmtStats(d.check_ms.tuned)} | ${fmtStats(d.check_ms.stock)} | ` +
            `${d.stalled_runs.tuned} / ${d.stalled_runs.stock} of ${d.stalled_runs.of} |`,
    );
    return [
        "| nodes | tuned | stock | stock/tuned | tuned up: program + before the containers + containers + after them | check's own time, tuned | check's own time, stock | runs stalled, tuned / stock |",
        "|---|---|---|---|---|---|---|---|",
        ...rows,
    ].join("\n");
}

function otherTable(r: BenchResult): string {
    const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
    const fo = r.failover_detail;
    const rt = r.ioredis_round_trip_us;
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
        `| ioredis round trip, one call (${rt.calls} PINGs in a row on one connection): median (min–max) / p99 | ${rt.median} µs (${rt.min}–${rt.max} µs) / ${rt.p99} µs |`,
        `| failover (${fo.runs.length} runs): stop → new master and a write acknowledged; → new master reported | ${fmtStats(r.failover_ms)}; ${fmtStats(newMaster)} |`,
        `| failover: acknowledged writes lost; old master rejoined as a replica after its restart | ${fo.lost_acked_writes} of ${fo.acked_writes}; ${fmtStats(rejoin)} |`,
    ].join("\n");
}

function rolloutTable(r: BenchResult): string {
    const rows = r.rollout.map(
        (x) =>
            `| 1+${x.replicas}${x.sentinel ? ", 3 sentinels" : ""} | ${fmtMs(x.total_ms)} | ${fmtMs(x.write_error_window_ms)} | ${fmtMs(x.write_error_ms ?? NaN)} | ${x.acked_writes} | ${x.lost_writes} | ${x.failovers ?? ""} | ${x.sentinels_down_together ?? ""} |`,
    );
    return [
        `| rollout (${r.rollout[0]?.runs ?? 0} runs each): every node replaced | the up | writer's error window (first to last) | writes failing (sum) | writes acknowledged during it | lost | failovers | most sentinels down at once |`,
        "|---|---|---|---|---|---|---|---|",
        ...rows,
        `| a no-op up (the second up with no change) | ${fmtMs(r.noop_up_ms)} | | | | | | |`,
    ].join("\n");
}

function liveTable(r: BenchResult): string {
    const rot = r.password_rotation;
    const row = (what: string, x: { total_ms: number; failed_commands: number; link_drops: number }) =>
        `| ${what} | ${fmtMs(x.total_ms)} | ${x.failed_commands} | ${x.link_drops} |`;
    return [
        `| live change (${rot.runs} runs each), no container replaced | the up | failed commands | link drops |`,
        "|---|---|---|---|",
        `| 1+2, maxmemory-policy changed | ${fmtMs(r.live_config_ms)} | | |`,
        row("1+2, password rotation", {
            ...rot,
            failed_commands: rot.failed_commands - rot.with_sentinel.failed_commands,
            link_drops: rot.link_drops - rot.with_sentinel.link_drops,
        }),
        row("1+2, 3 sentinels, password rotation", rot.with_sentinel),
    ].join("\n");
}

function tlsTable(r: BenchResult): string {
    const t = r.tls;
    const c = r.cert_rotation;
    return [
        `| TLS (${t.runs} runs each, side by side) | with TLS | without |`,
        "|---|---|---|",
        `| deploy 1+2 (client certificates required) | ${fmtMs(t.deploy_ms)} | ${fmtMs(t.plain_deploy_ms)} |`,
        `| GET on the master, redis-benchmark | ${t.get_rps} rps | ${t.plain_get_rps} rps |`,
        `| certificate rotation, 1+2 with 3 sentinels, no container replaced: the up; failed commands; link drops | ${fmtMs(c.total_ms)}; ${c.failed_commands}; ${c.link_drops} | |`,
    ].join("\n");
}

function multihostTable(r: BenchResult): string {
    const m = r.multihost;
    return [
        `| Three hosts (${m.runs} deploys each, side by side) | three hosts | one engine |`,
        "|---|---|---|",
        `| deploy 1+2 with 3 sentinels | ${fmtMs(m.deploy_ms)} | ${fmtMs(m.single_host_deploy_ms)} |`,
        `| the master's host engine stopped: a master on another host and a write acknowledged; acknowledged writes lost | ${fmtMs(m.host_loss_failover_ms)}; ${m.lost_writes} of ${m.acked_writes} | |`,
        ...(r.host_replacement
            ? [
                  `| a host lost in a power cut, replaced with one \`up\` (${r.host_replacement.runs} runs): the up; acknowledged writes lost | ${fmtMs(r.host_replacement.ms)}; ${r.host_replacement.lost_writes} of ${r.host_replacement.acked_writes} | |`,
              ]
            : []),
    ].join("\n");
}

function composeTable(r: BenchResult): string {
    if (r.compose_missing) return `docker-compose was not measured: ${r.compose_missing}.`;
    const rows = r.compose_baseline.map(
        (x) =>
            `| 1+${x.replicas} | ${fmtStats(x.ours_up_ms)} | ${fmtStats(x.compose_up_ms)} | ${x.up_ratio}× | ${fmtStats(x.ours_down_ms)} | ${fmtStats(x.compose_down_ms)} | ${x.down_ratio}× |`,
    );
    return [
        `| against docker-compose (${r.compose_baseline[0]?.runs ?? 0} runs each, alternately) | our up | compose up | ratio | our teardown | compose down -v | ratio |`,
        "|---|---|---|---|---|---|---|",
        ...rows,
    ].join("\n");
}

function backupTable(r: BenchResult): string {
    const b = r.backup;
    const empty = r.deploy.find((d) => d.replicas === 2)?.tuned_ms.median;
    return [
        `| Backups and restore (${b.keys} keys, ${b.dataset_mb} MB) | figure |`,
        "|---|---|",
        `| one backup from a replica (${b.runs} runs): snapshot, redis-check-rdb, manifest | ${fmtMs(b.backup_ms)} |`,
        `| the master's forks across them | ${b.master_forks} |`,
        `| restore into a new 1+2 group with AOF on (${b.restores} runs): first container → check passing with the data | ${fmtMs(b.restore_ms)}${empty === undefined ? "" : ` (an empty 1+2: ${fmtMs(empty)})`} |`,
        `| keys on every node after the restore | ${b.restored_keys} |`,
    ].join("\n");
}

function metricsTable(r: BenchResult): string {
    const m = r.metrics;
    return [
        `| Metrics (${m.runs} runs, alternately) | figure |`,
        "|---|---|",
        `| one scrape of every target (3 data nodes, 3 sentinels) through the exporter | ${fmtMs(m.scrape_ms)} |`,
        `| GET on the master, redis-benchmark, scraped every second / not scraped | ${m.get_rps_with} / ${m.get_rps_without} rps (${m.overhead_pct} % lower) |`,
    ].join("\n");
}

/** docs/performance.md's body (between the markers); its links are relative to docs/. */
export function performanceSection(r: BenchResult): string {
    const notes = notesFor(r);
    return [
        START,
        "",
        "`npm run bench` deploys groups on the local Docker engine through the live Docker backend of [harness/liveDocker](../harness/liveDocker), which the docker test tier uses too, and measures them; " +
            "`npm run bench -- --quick` is a reduced run (fewer runs and sizes). Each run writes [bench/results/latest.json](../bench/results/latest.json), " +
            "keeps a copy per date in bench/results/, and rewrites this section. Deploy time runs from the first container's create to the replication check passing, image warm. " +
            "The compose baseline ([bench/compose.ts](../bench/compose.ts)) runs docker-compose (`apt-get install docker-compose`) with the same image and redis.conf settings, alternately with our tuned deploy: its up is `up -d` until the master reports every replica online and a `WAIT n` write reads back on each replica, ours runs from the program's start to the check passing; its down is `down -v`, ours the destroy. " +
            "Failover ([bench/failover.ts](../bench/failover.ts), [harness/failover.ts](../harness/failover.ts)) deploys a 1+2 group with 3 sentinels, then, run after run, `docker stop`s the current master under a writer " +
            "that confirms each write with `WAIT 1 1000`, and times it until Sentinel reports a new master and a write is acknowledged again. " +
            "Rollout ([bench/rollout.ts](../bench/rollout.ts)) redeploys a 1+2 group with `resources.cpus` toggled between 1 and 2, which replaces every node, " +
            "under the same kind of writer (to the master's port, or through Sentinel), and counts the acknowledged writes the master lacks afterwards; " +
            "with sentinels every other run starts from a master failed over by hand, failovers are the sentinels' config epochs, and a sentinel is down from its replacement until its SentinelRejoin is done. " +
            "Live changes ([bench/liveConfig.ts](../bench/liveConfig.ts)) toggle `maxmemoryPolicy`, then rotate the password under that writer and a watcher of the replication links " +
            "([harness/linkWatcher.ts](../harness/linkWatcher.ts): a drop is a link seen down, or a replica's connection on the master replaced). " +
            "TLS ([bench/tls.ts](../bench/tls.ts)) deploys a 1+2 group with TLS and client certificates required beside a plaintext one, alternately, runs redis-benchmark GET on both masters side by side, " +
            "and rotates the certificate of a 1+2 group with 3 sentinels under the Sentinel writer and the link watcher; its certificates are made for the run. " +
            "Three hosts ([bench/multihost.ts](../bench/multihost.ts)) deploys a 1+2 group with 3 sentinels on three simulated hosts ([harness/hosts](../harness/hosts): a network namespace and a dockerd each) beside the same group on the local engine, alternately, " +
            "then stops the engine of the current master's host under the Sentinel writer, times it until a master on another host acknowledges a write, and starts the host again. " +
            "Host replacement ([bench/hostReplacement.ts](../bench/hostReplacement.ts), [harness/hostLoss.ts](../harness/hostLoss.ts)) cuts the power of one of those hosts under the Sentinel writer, then times the `up` that marks it lost and adds a fourth, to the check passing. " +
            "Backups ([bench/backup.ts](../bench/backup.ts)) fill a 1+2 group with about 100 MB of incompressible values, take backups one after another through its backup container while counting the master's forks, " +
            "then restore the newest into a new group with AOF on, timed from its first container to the check passing with the data. " +
            "Metrics ([bench/metrics.ts](../bench/metrics.ts)) runs redis-benchmark GET on a 1+2 group's master while every node and sentinel is scraped once a second through the group's exporter, and without the scrapes, alternately.",
        "",
        `Last run: ${r.date}, ${r.mode} (${r.runs} runs per figure, ${r.failover_detail.runs.length} failovers, ${Math.round(r.runtime_s)} s), ${r.engine}, ${r.cpus} CPUs. Figures are medians (min–max).`,
        "",
        "Variants, deployed alternately: **tuned** is the component's defaults (on a first deploy the nodes are created side by side; disk-based initial sync; the check polling from 10 ms); " +
            `**stock** is Redis's stock replication, \`replication: { disklessSync: true, disklessSyncDelay: ${STOCK.disklessSyncDelay} }\`, with \`checkPollIntervalMs: ${STOCK.checkPollIntervalMs}\`, what the manual recipe amounts to. ` +
            `A run counts as stalled when its check took over ${fmtMs(stallThresholdMs("tuned"))} (tuned) or over ${fmtMs(stallThresholdMs("stock"))} ` +
            `(stock: ${STALL_MS} ms beyond its ${STOCK.disklessSyncDelay} s delay): it waited for a once-a-second timer.`,
        "",
        goalsTable(r.goals),
        "",
        deployTable(r),
        "",
        composeTable(r),
        "",
        otherTable(r),
        "",
        rolloutTable(r),
        "",
        liveTable(r),
        "",
        tlsTable(r),
        "",
        ...(r.multihost ? [multihostTable(r), ""] : []),
        ...(r.backup ? [backupTable(r), ""] : []),
        ...(r.metrics ? [metricsTable(r), ""] : []),
        ...(notes.length > 0 ? ["What is behind the figures (misses, and stalls a median can hide):", "", ...notes, ""] : []),
        END,
    ].join("\n");
}

/** Replaces the marked section of docs/performance.md, or appends it there. */
export async function updatePerformancePage(r: BenchResult): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const prettier = require("prettier") as typeof import("prettier");
    const options = (await prettier.resolveConfig(PAGE)) ?? {};
    const section = (await prettier.format(performanceSection(r), { ...options, parser: "markdown" })).trimEnd();
    const text = fs.readFileSync(PAGE, "utf8");
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    let next: string;
    if (start >= 0 && end > start) next = text.slice(0, start) + section + text.slice(end + END.length);
    else next = `${text.trimEnd()}\n\n${section}\n`;
    fs.writeFileSync(PAGE, next);
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

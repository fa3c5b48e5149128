// What was found behind a goal, and whose it is to fix: docs/performance.md's notes under the figures.
import { DeployEntry, stallThresholdMs } from "./deploy";
import { floor, fmtMs, fmtStats, ratio } from "./format";
import { STOCK } from "./groups";
import type { BenchResult, Goal } from "./result";
import { stats } from "./stats";

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
                ? `The median 1+2 deploy took ${fmtMs(d2.tuned_ms.median)} from the first container asked for (runs: ${d2.runs_ms.tuned.join(", ")} ms). ${phasesText(d2)} `
                : "";
            const docker =
                f1 !== undefined && f2 !== undefined
                    ? `Docker alone, without Pulumi, network attach or upload, needs ${fmtMs(f1)} to create and start one bare container (${fmtMs(f2)} for two at once). `
                    : "";
            const f3 = floor(r, 3);
            const docker3 = f3 !== undefined ? `Three bare containers at once, what a 1+2 group starts, take ${fmtMs(f3)}. ` : "";
            return (
                "On a first deploy the data nodes are created side by side (no container exists, so none is in the rollout chain); " +
                "each create still has the provider's network attach, config upload and read-back 100 ms after the start, and the replicas wait for the master's link and a write read back. " +
                parts +
                docker +
                docker3 +
                `A replica that never had a link is told to connect as soon as the master answers, instead of at Redis's next once-a-second retry, and asks ARP again every 100 ms instead of every second (tuned stalled in ${stalls(r, "tuned")} of ${allRuns(r)} runs over all sizes).`
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
            const f3 = floor(r, 3);
            const f9 = floor(r, 9);
            const d2 = r.deploy.find((e) => e.replicas === 2);
            const d8 = r.deploy.find((e) => e.replicas === 8);
            const docker =
                f3 !== undefined && f9 !== undefined
                    ? ` The bench's Docker-alone measure shows it: three bare containers created and started at once take ${fmtMs(f3)}, nine ${fmtMs(f9)} (${ratio(f9, f3)}×).`
                    : "";
            const ours =
                d2 && d8
                    ? ` In the deploys, the containers took ${fmtMs(d2.containers_ms.tuned.median)} at 1+2 and ${fmtMs(d8.containers_ms.tuned.median)} at 1+8; the check (${fmtMs(d2.check_ms.tuned.median)}, ${fmtMs(d8.check_ms.tuned.median)}) hardly grows.` +
                      replicationShare(r, d8)
                    : "";
            return `The containers of a first deploy are created side by side, so a deploy grows as Docker's own start of that many containers at once does.${docker}${ours}`;
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
                "the check `dependsOn` the containers (through their NodeRejoins), and pulumi-docker (mirrored by the live backend) returns a create only after reading the started container back 100 ms later, while a replica links up within ms of its start. " +
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
            "Ours, by design: a container is stopped with a 15 s grace (SIGTERM), not killed as the provider would by default, so Redis flushes its AOF and a master lets its replicas catch up. " +
            "And the live backend removes resources one by one, newest first (~200 ms per container in dockerd here); `pulumi destroy` deletes the independent ones in parallel.",
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
    { id: "deploy_over_floor", when: missed, text: floorNote },
    {
        id: "rollout_write_error",
        when: missed,
        text: (r) => {
            const row = r.rollout.find((x) => x.sentinel);
            const handover =
                row?.handover_ms === undefined
                    ? ""
                    : ` The handover itself (writes paused, the failover, the old master demoted) took ${fmtMs(row.handover_ms)}.`;
            return (
                "Sentinel's, mostly: a Sentinel client finds the new master only once a sentinel reports it, and the sentinel leading a failover reports the promoted replica only after an INFO shows it promoted, " +
                "which it asks a replica for once a second during a failover (redis 7.0.15 src/sentinel.c:3140-3147, 1664-1676; the others learn it from its hello at once, 2680-2703). " +
                `So from the pause to the first write on the new master a client waits about a second or more, whatever the handover does.${handover}`
            );
        },
    },
    {
        id: "compose_up_ratio",
        when: missed,
        text: (r) =>
            r.compose_baseline
                .map((x) => {
                    const f = floor(r, x.replicas + 1);
                    return (
                        `At 1+${x.replicas}, compose's up took ${fmtMs(x.compose_up_ms.median)} and ours ${fmtMs(x.ours_up_ms.median)}` +
                        (f === undefined ? "" : `, where Docker alone starts ${x.replicas + 1} bare containers in ${fmtMs(f)}`) +
                        "."
                    );
                })
                .join(" ") +
            " Both are bound by Docker's own starts; ours also runs the preflight, the image's warm rebuild and the network before its first container, and ends with the check." +
            r.deploy
                .filter((d) => r.compose_baseline.some((x) => x.replicas === d.replicas))
                .map((d) => ` At 1+${d.replicas}, in the deploy runs: ${phasesText(d)}`)
                .join(""),
    },
];

/** The tuned deploy's parts beside Docker's floor for as many containers, at the size of the worst ratio. */
function floorNote(r: BenchResult): string {
    const worst = [...r.deploy].sort(
        (a, b) => b.tuned_ms.median / (floor(r, b.replicas + 1) ?? Infinity) - a.tuned_ms.median / (floor(r, a.replicas + 1) ?? Infinity),
    )[0];
    const f = worst && floor(r, worst.replicas + 1);
    if (!worst || f === undefined) return "";
    const containers = worst.containers_ms.tuned.median;
    return (
        `At 1+${worst.replicas}, ${worst.replicas + 1} bare containers at once take ${fmtMs(f)}; our containers took ${fmtMs(containers)} ` +
        `(each create also joins the network, uploads its config and reads back after 100 ms, as the provider does), and the rest of the ${fmtMs(worst.tuned_ms.median)}, ` +
        `${fmtMs(worst.tuned_phases_ms.after_containers.median)}, is the replicas' links and first sync, each node's wait and the check.`
    );
}

/** Where a median tuned up's time went, part by part. */
function phasesText(d: DeployEntry): string {
    const p = d.tuned_phases_ms;
    return (
        `From the group declared to the check returned: the program itself ${fmtMs(p.program.median)} (the Pulumi SDK registering every resource; it records a stack trace for each output property), ` +
        `then ${fmtMs(p.before_containers.median)} until the first container was asked for (preflight, network and the image's warm rebuild), ` +
        `${fmtMs(p.containers.median)} of container creates, and ${fmtMs(p.after_containers.median)} after the last (the replicas' first sync, each node's wait, the check).`
    );
}

/** Whether replication's own work showed in the containers' time: tuned (syncing during the waves) against stock (syncing 5 s later). */
function replicationShare(r: BenchResult, d: DeployEntry): string {
    const tuned = d.containers_ms.tuned.median;
    const stock = d.containers_ms.stock.median;
    const both = `all containers took ${fmtMs(tuned)} at 1+${d.replicas} in tuned, ${fmtMs(stock)} in stock, whose sync starts ${STOCK.disklessSyncDelay} s later`;
    return tuned > stock * 1.1
        ? ` Replication's own work (the master's RDB fork, each replica's load and initial AOF rewrite), which a deploy must do before its check can pass, shares the ${r.cpus} cores with dockerd during that wave: likely why ${both}.`
        : ` Replication's own work (the master's RDB fork, each replica's load and initial AOF rewrite) does not measurably slow the waves: ${both}.`;
}

/** The notes a run calls for, one line per goal and note, as list items. */
export function notesFor(r: BenchResult): string[] {
    return r.goals.flatMap((g) => NOTES.filter((n) => n.id === g.id && n.when(r, g)).map((n) => `- ${g.goal}: ${n.text(r)}`));
}

// The bench's goals, each named by its figure, judged on a run's result.
import { floor, fmtMs, fmtSec, ratio } from "./format";
import type { BenchResult, Goal } from "./result";

/**
 * The goals, judged on the medians: deploy 1+2 ≤ 1.2 s, stock ≥ 4× tuned, 1+8 ≤ 1.5× 1+2, check
 * latency ≤ 50 ms, project image ≤ 1.2× base, warm rebuild ≤ 1 s, teardown ≤ 1 s, replica lag
 * p99 ≤ 50 ms, failover ≤ 5 s, no acknowledged write lost; in a rollout, no acknowledged write lost.
 */
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
    goals.push(floorGoal(r));
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
    goals.push(...composeGoals(r));
    goals.push({
        id: "lag_p99",
        goal: "replica lag p99 under SET load",
        target: "≤ 50 ms",
        measured: fmtMs(r.lag.p99_ms),
        pass: r.lag.p99_ms <= 50,
    });
    goals.push(...writeGoals(r), ...sentinelRolloutGoals(r), hostReplacementGoal(r));
    return goals;
}

/** A rollout with sentinels (half the runs from a master failed over by hand): one failover, short errors, a quorum throughout. */
function sentinelRolloutGoals(r: Omit<BenchResult, "goals">): Goal[] {
    const row = r.rollout.find((x) => x.sentinel);
    if (!row) return [];
    return [
        {
            id: "rollout_failovers",
            goal: "failovers per rollout with sentinels (runs alternate from the deployed and a failed-over master)",
            target: "1",
            measured: String(row.failovers ?? "not measured"),
            pass: row.failovers === 1,
        },
        {
            id: "rollout_write_error",
            goal: "time writes failed in a rollout with sentinels (the sum of the error spans)",
            target: "≤ 1 s",
            measured: fmtMs(row.write_error_ms),
            pass: row.write_error_ms <= 1000,
        },
        {
            id: "rollout_sentinels_down",
            goal: "the most sentinels down at once in a rollout",
            target: "≤ 1",
            measured: String(row.sentinels_down_together ?? "not measured"),
            pass: row.sentinels_down_together !== undefined && row.sentinels_down_together <= 1,
        },
    ];
}

/** Failover time, and acknowledged writes lost in the failovers and the rollouts. */
function writeGoals(r: Omit<BenchResult, "goals">): Goal[] {
    const goals: Goal[] = [];
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
    const acked = r.rollout.reduce((n, x) => n + x.acked_writes * x.runs, 0);
    const lost = r.rollout.reduce((n, x) => n + x.lost_writes, 0);
    goals.push({
        id: "rollout_lost",
        goal: "acknowledged writes lost in the rollouts (every node replaced, one at a time)",
        target: "0",
        measured: `${lost} of about ${acked}`,
        pass: lost === 0,
    });
    const rot = r.password_rotation;
    goals.push({
        id: "password_rotation",
        goal: "password rotations: failed commands and dropped replication links, without and with sentinels",
        target: "0 and 0",
        measured: `${rot.failed_commands} and ${rot.link_drops}`,
        pass: rot.failed_commands === 0 && rot.link_drops === 0,
    });
    const cert = r.cert_rotation;
    goals.push({
        id: "cert_rotation",
        goal: "TLS certificate rotations with sentinels: failed commands and dropped replication links",
        target: "0 and 0",
        measured: `${cert.failed_commands} and ${cert.link_drops}`,
        pass: cert.failed_commands === 0 && cert.link_drops === 0,
    });
    const mh = r.multihost;
    goals.push({
        id: "multihost_lost_writes",
        goal: "acknowledged writes lost when the master's whole host is lost (three hosts, 3 sentinels)",
        target: "0",
        measured: `${mh.lost_writes} of ${mh.acked_writes}`,
        pass: mh.lost_writes === 0,
    });
    const b = r.backup;
    if (b) {
        goals.push({
            id: "backup_master_forks",
            goal: "the master's forks while backups are taken from a replica",
            target: "0",
            measured: `${b.master_forks} in ${b.runs} backups`,
            pass: b.master_forks === 0,
        });
        goals.push({
            id: "restored_keys",
            goal: "keys on every node after a restore / keys backed up",
            target: "all",
            measured: `${b.restored_keys} of ${b.keys}`,
            pass: b.restored_keys === b.keys,
        });
    }
    const m = r.metrics;
    if (m) {
        goals.push({
            id: "metrics_overhead",
            goal: "GET throughput lost to the exporter's scrapes every second (1+2, 3 sentinels)",
            target: "≤ 5 %",
            measured: `${m.overhead_pct} %`,
            pass: m.overhead_pct <= 5,
        });
    }
    return goals;
}

/** Acknowledged writes lost replacing a host lost in a power cut with one `up`. */
function hostReplacementGoal(r: Omit<BenchResult, "goals">): Goal {
    return {
        id: "host_replacement_lost",
        goal: "acknowledged writes lost replacing a host lost in a power cut with one `up` (hosts.<name>.lost)",
        target: "0",
        measured: r.host_replacement
            ? `${r.host_replacement.lost_writes} of ${r.host_replacement.acked_writes}`
            : "not measured in this run",
        pass: r.host_replacement?.lost_writes === 0,
    };
}

/** The tuned deploy of 1+n over Docker's own create and start of n+1 bare containers at once, at its worst over the sizes. */
function floorGoal(r: Omit<BenchResult, "goals">): Goal {
    const ratios = r.deploy.flatMap((d) => {
        const f = floor(r, d.replicas + 1);
        return f === undefined ? [] : [{ replicas: d.replicas, ratio: ratio(d.tuned_ms.median, f) }];
    });
    const worst = [...ratios].sort((a, b) => b.ratio - a.ratio)[0];
    return {
        id: "deploy_over_floor",
        goal: "tuned deploy 1+n / Docker's floor for n+1 bare containers, worst over the sizes",
        target: "≤ 1.25",
        ...(worst
            ? {
                  measured: `${worst.ratio}× (1+${worst.replicas}; ${ratios.map((x) => `1+${x.replicas}: ${x.ratio}×`).join(", ")})`,
                  pass: worst.ratio <= 1.25,
              }
            : { measured: "not measured", pass: null }),
    };
}

/** Ours against docker-compose in the same run, up and down, at the worst size; unmet when compose is missing. */
function composeGoals(r: Omit<BenchResult, "goals">): Goal[] {
    const rows = r.compose_baseline;
    const missing = r.compose_missing ?? (rows.length === 0 ? "not measured in this run" : undefined);
    const judged = (key: "up_ratio" | "down_ratio", target: number): Pick<Goal, "measured" | "pass"> => {
        if (missing) return { measured: missing, pass: false };
        const worst = Math.max(...rows.map((x) => x[key]));
        return { measured: `${worst}× (${rows.map((x) => `1+${x.replicas}: ${x[key]}×`).join(", ")})`, pass: worst <= target };
    };
    return [
        {
            id: "compose_up_ratio",
            goal: "our up / docker-compose's (up -d until every replica is online and a WAIT write reads back)",
            target: "≤ 0.75",
            ...judged("up_ratio", 0.75),
        },
        { id: "compose_down_ratio", goal: "our teardown / docker-compose's down -v", target: "≤ 1.0", ...judged("down_ratio", 1) },
    ];
}

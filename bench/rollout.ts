// The later `pulumi up`s, measured: a 1+2 group (without and with 3 sentinels) is deployed
// through the component on the live backend's update model; then, run after run, an up that
// changes nothing (noop_up_ms) and an up that replaces every node (cpus 1 <-> 2) under a writer
// that confirms each write with WAIT 1 1000 (harness/writer.ts). A rollout's figures: the whole
// up, the window in which the writer got errors, its acknowledged writes, and how many of them
// the master lacks afterwards.
//
// measureRollout sets Pulumi's mocks for its own stacks: measures that keep their own mock
// monitor must set them again afterwards.
import type { RedisReplicationGroupArgs } from "../components";
import { GroupStack } from "../harness/groupStack";
import { parseEndpoint } from "../components/replicationCheck";
import { promiseOf } from "../harness/pulumi";
import { countMissing, withClient } from "../harness/redisClient";
import { AckedWriter } from "../harness/writer";
import { median } from "./stats";

const PASSWORD = "bench-rollout-Passw0rd";
/** The images the two variants build (their group names are rrroll1 and rrroll2). */
export const ROLLOUT_IMAGES = ["redis-replication/rrroll1:latest", "redis-replication/rrroll2:latest"];

/** One row of bench/results' `rollout`: medians of the runs. */
export interface RolloutRow {
    replicas: number;
    sentinel: boolean;
    runs: number;
    total_ms: number;
    write_error_window_ms: number;
    acked_writes: number;
    lost_writes: number;
}

export interface RolloutResult {
    rollout: RolloutRow[];
    /** The second `up` with no change, from the program's start to the check done (median over both variants' runs). */
    noop_up_ms: number;
}

/** How many of keys the node at endpoint lacks. */
async function lacking(endpoint: string, keys: string[]): Promise<number> {
    return withClient(parseEndpoint(endpoint)!.port, PASSWORD, (c) => countMissing(c, keys));
}

async function measureVariant(
    sentinel: boolean,
    runs: number,
    baseImage: string,
    noops: number[],
    log: (line: string) => void,
): Promise<RolloutRow> {
    const n = sentinel ? 2 : 1;
    const name = `rrroll${n}`;
    const args = (cpus: number): RedisReplicationGroupArgs => ({
        name,
        network: { subnet: `10.233.${n}.0/24` },
        master: { hostPort: 7600 + n * 10 },
        replicaCount: 2,
        image: { baseImage },
        password: PASSWORD,
        resources: { cpus },
        ...(sentinel ? { sentinel: {} } : {}),
    });
    const stack = await GroupStack.start(`bench-rollout-${n}`, "redis-replication", `bench-rollout-${n}`);
    const samples: Omit<RolloutRow, "replicas" | "sentinel" | "runs">[] = [];
    try {
        let cpus = 1;
        let last = await stack.up(name, args(cpus));
        for (let run = 1; run <= runs; run++) {
            const noop = await stack.up(name, args(cpus));
            noops.push(noop.ms);
            cpus = cpus === 1 ? 2 : 1;
            const recipe = sentinel ? await promiseOf(last.group.sentinelClient) : undefined;
            const writer = recipe ? await AckedWriter.start(recipe, PASSWORD) : await AckedWriter.direct(7600 + n * 10, PASSWORD);
            try {
                last = await stack.up(name, args(cpus));
            } finally {
                await writer.stop();
            }
            const lost = await lacking(last.replication.masterEndpoint, writer.acked);
            samples.push({
                total_ms: last.ms,
                write_error_window_ms: writer.errorWindowMs,
                acked_writes: writer.acked.length,
                lost_writes: lost,
            });
            log(
                `${sentinel ? "with" : "without"} sentinel, run ${run}/${runs}: no-op up ${noop.ms} ms; rollout ${last.ms} ms, writer errors over ${writer.errorWindowMs} ms, ${writer.acked.length} acknowledged, ${lost} lost`,
            );
        }
    } finally {
        await stack.destroy();
    }
    const med = (k: keyof (typeof samples)[number]) => Math.round(median(samples.map((s) => s[k])));
    return {
        replicas: 2,
        sentinel,
        runs,
        total_ms: med("total_ms"),
        write_error_window_ms: med("write_error_window_ms"),
        acked_writes: med("acked_writes"),
        // Not a median: every lost write counts.
        lost_writes: samples.reduce((sum, s) => sum + s.lost_writes, 0),
    };
}

export async function measureRollout(runs: number, baseImage: string, log: (line: string) => void): Promise<RolloutResult> {
    const noops: number[] = [];
    const rollout = [await measureVariant(false, runs, baseImage, noops, log), await measureVariant(true, runs, baseImage, noops, log)];
    return { rollout, noop_up_ms: Math.round(median(noops)) };
}

// The later `pulumi up`s, measured: a 1+2 group (without and with 3 sentinels) is deployed
// through the component on the live backend's update model; then, run after run, an up that
// changes nothing (noop_up_ms) and an up that replaces every node (cpus 1 <-> 2) under a writer
// that confirms each write with WAIT 1 1000 (harness/writer.ts). A rollout's figures: the whole
// up, the window in which the writer got errors (first to last) and the time writes actually
// failed (the sum of the error spans), its acknowledged writes, and how many of them the master
// lacks afterwards. With sentinels, every other run starts from a master failed over by hand
// (Sentinel's master is then not the deployed one), and a run also counts its failovers (the
// sentinels' config epoch) and the most sentinels down at once (from the backend's steps: a
// sentinel is down from its container's replacement until its SentinelRejoin is done).
//
// measureRollout sets Pulumi's mocks for its own stacks: measures that keep their own mock
// monitor must set them again afterwards.
import type { RedisReplicationGroupArgs, SentinelClientRecipe } from "../components";
import { GroupStack } from "../harness/groupStack";
import type { UpdateStep } from "../harness/liveDocker";
import { pollUntil } from "../harness/poll";
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
    /** The time writes actually failed: the sum of the error spans. */
    write_error_ms: number;
    acked_writes: number;
    lost_writes: number;
    /** With sentinels: failovers per rollout (median). */
    failovers?: number;
    /** With sentinels: the most sentinels down at once in any run. */
    sentinels_down_together?: number;
    /** With sentinels: the handover that failed over (its NodeHandover update: writes paused, the failover, the old master demoted), median ms. */
    handover_ms?: number;
}

/** The longest NodeHandover update of an `up`: the one that failed over (the others only look). */
export function handoverMs(steps: UpdateStep[]): number {
    return Math.max(0, ...steps.filter((s) => /-handover$/.test(s.name) && s.op === "update").map((s) => s.endedAt - s.startedAt));
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

/** The config epoch the first sentinel reports for the master: one more for each failover. */
async function configEpoch(recipe: SentinelClientRecipe): Promise<number> {
    return withClient(recipe.sentinels[0]!.port, PASSWORD, async (c) => {
        const fields = (await c.call("SENTINEL", "MASTER", recipe.name)) as string[];
        return Number(fields[fields.indexOf("config-epoch") + 1]);
    });
}

/** Fails the master over by hand and waits until every sentinel reports the new one. */
async function failOverByHand(recipe: SentinelClientRecipe): Promise<void> {
    const masters = () =>
        Promise.all(
            recipe.sentinels.map((s) =>
                withClient(s.port, PASSWORD, async (c) => String(await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", recipe.name))),
            ),
        );
    const before = (await masters())[0];
    await withClient(recipe.sentinels[0]!.port, PASSWORD, (c) => c.call("SENTINEL", "FAILOVER", recipe.name));
    await pollUntil("every sentinel to report the master failed over by hand", 30_000, async () =>
        (await masters()).every((m, _, all) => m === all[0] && m !== before),
    );
}

/** The most sentinels down at once: each from its container's replacement to its SentinelRejoin's end. */
export function sentinelsDownTogether(steps: UpdateStep[]): number {
    const spans = steps
        .filter((s) => /-sentinel-\d+$/.test(s.name) && s.op === "replace")
        .map((s) => {
            const rejoin = steps.find((r) => r.name === `${s.name}-rejoin`);
            return { from: s.startedAt, to: rejoin?.endedAt ?? s.endedAt };
        });
    return Math.max(0, ...spans.map((a) => spans.filter((b) => b.from < a.to && a.from < b.to).length));
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
    const samples: Required<Omit<RolloutRow, "replicas" | "sentinel" | "runs">>[] = [];
    try {
        let cpus = 1;
        let last = await stack.up(name, args(cpus));
        for (let run = 1; run <= runs; run++) {
            const noop = await stack.up(name, args(cpus));
            noops.push(noop.ms);
            cpus = cpus === 1 ? 2 : 1;
            const recipe = sentinel ? await promiseOf(last.group.sentinelClient) : undefined;
            if (recipe && run % 2 === 0) await failOverByHand(recipe);
            const epoch = recipe && (await configEpoch(recipe));
            const writer = recipe ? await AckedWriter.start(recipe, PASSWORD) : await AckedWriter.direct(7600 + n * 10, PASSWORD);
            try {
                last = await stack.up(name, args(cpus));
            } finally {
                await writer.stop();
            }
            const lost = await lacking(last.replication.masterEndpoint, writer.acked);
            const failovers = recipe && (await configEpoch(recipe)) - epoch!;
            const down = recipe && sentinelsDownTogether(last.steps);
            const handover = recipe ? handoverMs(last.steps) : 0;
            samples.push({
                total_ms: last.ms,
                write_error_window_ms: writer.errorWindowMs,
                write_error_ms: writer.writeErrorMs,
                acked_writes: writer.acked.length,
                lost_writes: lost,
                failovers: failovers ?? 0,
                sentinels_down_together: down ?? 0,
                handover_ms: handover,
            });
            const from = recipe ? (run % 2 === 0 ? " from a master failed over by hand" : " from the deployed master") : "";
            const sentinelFigures = recipe
                ? `, ${failovers} failover(s) (handover ${handover} ms), at most ${down} sentinel(s) down at once`
                : "";
            log(
                `${sentinel ? "with" : "without"} sentinel, run ${run}/${runs}${from}: no-op up ${noop.ms} ms; rollout ${last.ms} ms, writer errors over ${writer.errorWindowMs} ms (failing ${writer.writeErrorMs} ms), ${writer.acked.length} acknowledged, ${lost} lost${sentinelFigures}`,
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
        write_error_ms: med("write_error_ms"),
        acked_writes: med("acked_writes"),
        // Not a median: every lost write counts.
        lost_writes: samples.reduce((sum, s) => sum + s.lost_writes, 0),
        ...(sentinel
            ? {
                  failovers: med("failovers"),
                  sentinels_down_together: Math.max(...samples.map((s) => s.sentinels_down_together)),
                  handover_ms: med("handover_ms"),
              }
            : {}),
    };
}

export async function measureRollout(runs: number, baseImage: string, log: (line: string) => void): Promise<RolloutResult> {
    const noops: number[] = [];
    const rollout = [await measureVariant(false, runs, baseImage, noops, log), await measureVariant(true, runs, baseImage, noops, log)];
    return { rollout, noop_up_ms: Math.round(median(noops)) };
}

// One Sentinel failover of a deployed group, driven from the host, for the Docker tier's Sentinel
// test and the bench's failover measure: the current master's container is stopped while a writer
// behind an ioredis Sentinel client keeps writing (each write confirmed with WAIT 1 1000); every
// acknowledged write must be on the new master, and the old master, started again, must rejoin as
// a replica.
import Redis from "ioredis";
import { performance } from "perf_hooks";
import type { SentinelClientRecipe } from "../components/outputs";
import { dockerClient } from "./docker";
import { pollUntil } from "./poll";
import { parseInfo, withClient } from "./redisClient";
import { AckedWriter } from "./writer";

/** What a run needs to know of a deployed group with sentinels. */
export interface FailoverTarget {
    /** The group's sentinelClient output. */
    recipe: SentinelClientRecipe;
    /** The group's password (requirepass of nodes and sentinels). */
    password: string;
    /** Container names of the data nodes (master and replicas, in any order). */
    containers: string[];
    /** Bound on each wait of the run, ms. Default 30000; the rejoin gets three times that. */
    timeoutMs?: number;
    /** `docker kill` (a crash) instead of `docker stop` (SIGTERM: Redis first waits for its replicas). */
    kill?: boolean;
    /** Progress lines. */
    log?: (line: string) => void;
}

/** One failover, timed from the moment the stop was issued (ms). */
export interface FailoverSample {
    /** Until Sentinel reports a new master and a write is acknowledged on it: the run's time. */
    totalMs: number;
    /** Until the first sentinel reports a new master. */
    newMasterMs: number;
    /** Until the first write started after the stop succeeds (SET answered OK). */
    firstWriteMs: number;
    /** Until the first write started after the stop is acknowledged by a replica (WAIT 1). */
    firstAckMs: number;
    /** How long `docker stop` (or kill) of the master took: the container has exited after it. */
    stopMs: number;
    /** newMasterMs counted from the container's exit instead. */
    newMasterAfterExitMs: number;
    /** From the old master's start until it is a linked replica of the new master. */
    rejoinMs: number;
    /** Container names of the old and the new master. */
    from: string;
    to: string;
    /** Writes acknowledged by WAIT 1 during the run, and how many of them the new master lacks. */
    acked: number;
    lost: number;
    /** Of `acked`, the writes started after the stop: acknowledged under the new master. */
    ackedAfterStop: number;
    /** Writes that failed during the run, by error message. */
    errors: Record<string, number>;
}

type Node = { host?: string; port: number };

/** A fresh client on the node's published port (on 127.0.0.1 unless it names its host), closed afterwards (Sentinel's reconfiguration kills client connections). */
function withNode<T>(node: Node, password: string, fn: (c: Redis) => Promise<T>): Promise<T> {
    return withClient(node.port, password, fn, { ...(node.host ? { host: node.host } : {}), connectTimeout: 1000, commandTimeout: 2000 });
}

/** The master's IP:port as one sentinel reports it. */
export async function reportedMaster(
    recipe: SentinelClientRecipe,
    sentinel: { host: string; port: number },
    password: string,
): Promise<string> {
    return withNode(sentinel, password, async (c) => {
        const addr = await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", recipe.name);
        if (!Array.isArray(addr)) throw new Error(`sentinel ${sentinel.host}:${sentinel.port} does not monitor ${recipe.name}`);
        return `${String(addr[0])}:${String(addr[1])}`;
    });
}

/** container IP:6379 -> container name, for the data nodes. */
async function addressesOf(containers: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of containers) {
        const info = await dockerClient().getContainer(name).inspect();
        for (const net of Object.values(info.NetworkSettings.Networks ?? {})) {
            if (net.IPAddress) out.set(`${net.IPAddress}:6379`, name);
        }
    }
    return out;
}

/**
 * Waits until the node has no AOF rewrite running or scheduled. Redis 7.0 ignores SIGTERM while it
 * writes its initial AOF ("Writing initial AOF, can't exit"), and docker stop then waits its 10 s
 * grace period: stop only a settled node.
 */
export async function waitForAofRewrite(node: Node, password: string, what: string, timeoutMs: number): Promise<void> {
    await pollUntil(
        `${what} to finish its AOF rewrite`,
        timeoutMs,
        async () => {
            const info = parseInfo(await withNode(node, password, (c) => c.info("persistence")));
            return info.aof_rewrite_in_progress === "0" && info.aof_rewrite_scheduled === "0" ? true : undefined;
        },
        50,
    );
}

/** How many of `keys` the node lacks; deletes them as it goes. */
async function countMissing(node: Node, password: string, keys: string[]): Promise<number> {
    return withNode(node, password, async (c) => {
        let missing = 0;
        for (let i = 0; i < keys.length; i += 500) {
            const chunk = keys.slice(i, i + 500);
            missing += (await c.mget(...chunk)).filter((v) => v === null).length;
            await c.del(...chunk);
        }
        return missing;
    });
}

/** Starts the old master again and waits until it is a linked replica of whichever master the sentinels report; returns the ms. */
async function rejoin(target: FailoverTarget, from: string, old: Node, timeoutMs: number): Promise<number> {
    const { recipe, password } = target;
    const restartAt = performance.now();
    await dockerClient().getContainer(from).start();
    // Of whichever master the sentinels report by then: with down-after 1 s, a second failover may follow.
    await pollUntil(
        `${from} to rejoin as a replica`,
        timeoutMs,
        async () => {
            const now = await reportedMaster(recipe, recipe.sentinels[0]!, password);
            const info = parseInfo(await withNode(old, password, (c) => c.info("replication")));
            const follows = `${info.master_host}:${info.master_port}` === now;
            return info.role === "slave" && follows && info.master_link_status === "up" ? true : undefined;
        },
        100,
    );
    return performance.now() - restartAt;
}

/** Polls every sentinel until one reports a master other than oldAddr. */
function newMaster(target: FailoverTarget, oldAddr: string, timeoutMs: number): Promise<string> {
    const { recipe, password } = target;
    return pollUntil(
        "a sentinel to report a new master",
        timeoutMs,
        async () => {
            const addrs = await Promise.all(recipe.sentinels.map((s) => reportedMaster(recipe, s, password).catch(() => oldAddr)));
            return addrs.find((a) => a !== oldAddr);
        },
        10,
    );
}

function summary(s: FailoverSample, kill: boolean | undefined): string {
    return (
        `failover ${s.from} -> ${s.to}: ${s.totalMs} ms (new master ${s.newMasterMs} ms, first write ${s.firstWriteMs} ms, ` +
        `acknowledged ${s.firstAckMs} ms; docker ${kill ? "kill" : "stop"} took ${s.stopMs} ms, new master ${s.newMasterAfterExitMs} ms after the exit); ` +
        `${s.acked} acknowledged, ${s.lost} lost; old master rejoined in ${s.rejoinMs} ms`
    );
}

/**
 * One failover of a healthy group: stops the master's container under a writer, times the
 * failover, checks that no acknowledged write was lost, then starts the old master again and
 * waits until it is a linked replica of the new one.
 */
export async function failOverOnce(target: FailoverTarget): Promise<FailoverSample> {
    const { recipe, password } = target;
    const timeoutMs = target.timeoutMs ?? 30_000;
    const names = await addressesOf(target.containers);
    const nat = (addr: string): Node => {
        const hp = recipe.natMap[addr];
        if (!hp) throw new Error(`no natMap entry for ${addr}`);
        return hp;
    };
    const oldAddr = await reportedMaster(recipe, recipe.sentinels[0]!, password);
    const from = names.get(oldAddr);
    if (!from) throw new Error(`the sentinels report master ${oldAddr}, none of ${target.containers.join(", ")}`);
    const writer = await AckedWriter.start(recipe, password);
    try {
        await writer.until("the writer's first 20 acknowledged writes", timeoutMs, () => writer.acked.length >= 20);
        await waitForAofRewrite(nat(oldAddr), password, from, timeoutMs);
        const t0 = performance.now();
        const container = dockerClient().getContainer(from);
        await (target.kill ? container.kill() : container.stop({ t: 10 }));
        writer.stoppedAt = performance.now();
        const newAddr = await newMaster(target, oldAddr, timeoutMs);
        const newMasterAt = performance.now();
        await writer.until(`a write acknowledged after the stop (new master ${newAddr})`, timeoutMs, () => writer.firstAckAt !== undefined);
        // A little more writing on the new master, then stop the writer.
        const more = writer.acked.length + 10;
        await writer.until("10 more acknowledged writes", timeoutMs, () => writer.acked.length >= more);
        await writer.stop();
        const lost = await countMissing(nat(newAddr), password, writer.acked);
        const rejoinMs = await rejoin(target, from, nat(oldAddr), timeoutMs * 3);
        const firstAckAt = writer.firstAckAt!;
        const sample: FailoverSample = {
            totalMs: Math.round(Math.max(newMasterAt, firstAckAt) - t0),
            newMasterMs: Math.round(newMasterAt - t0),
            firstWriteMs: Math.round((writer.firstWriteAt ?? firstAckAt) - t0),
            firstAckMs: Math.round(firstAckAt - t0),
            stopMs: Math.round(writer.stoppedAt - t0),
            newMasterAfterExitMs: Math.round(newMasterAt - writer.stoppedAt),
            rejoinMs: Math.round(rejoinMs),
            from,
            to: names.get(newAddr) ?? newAddr,
            acked: writer.acked.length,
            lost,
            ackedAfterStop: writer.ackedAfterStop,
            errors: writer.errors,
        };
        target.log?.(summary(sample, target.kill));
        return sample;
    } finally {
        await writer.stop();
    }
}

// Sentinel failover, measured: a 1+2 group with 3 sentinels is deployed through the component on
// the live Docker backend; then, run after run, the current master's container is stopped while a
// writer behind an ioredis Sentinel client keeps writing (each write confirmed with WAIT 1 1000).
// A run's time is from the stop until Sentinel reports a new master and a write is acknowledged
// again; every acknowledged write must be on the new master. The old master is started again and
// must rejoin as a replica before the next run.
//
// measureFailover sets Pulumi's mocks for itself (pulumi.runtime.setMocks): measures that keep
// their own mock monitor must set it again afterwards.
import * as pulumi from "@pulumi/pulumi";
import Redis from "ioredis";
import { performance } from "perf_hooks";
import type { SentinelClientRecipe } from "../components/replicationGroup";
import { dockerClient, ensureBaseImage, REPO_ROOT } from "../tests/support/baseImage";
import { createLiveBackend, LiveBackend, promiseOf, removeLeftovers } from "../tests/support/liveDocker";
import { pollUntil } from "../tests/support/poll";
import { withClient } from "../tests/support/redisClient";

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
    /** Writes that failed during the run, by error message. */
    errors: Record<string, number>;
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A fresh client on the host's published port, closed afterwards (Sentinel's reconfiguration kills client connections). */
function withNode<T>(node: { port: number }, password: string, fn: (c: Redis) => Promise<T>): Promise<T> {
    return withClient(node.port, password, fn, { connectTimeout: 1000, commandTimeout: 2000 });
}

function infoFields(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    return out;
}

/** The master's container IP:port as one sentinel reports it. */
async function reportedMaster(recipe: SentinelClientRecipe, sentinel: { host: string; port: number }, password: string): Promise<string> {
    return withNode(sentinel, password, async (c) => {
        const addr = await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", recipe.name);
        if (!Array.isArray(addr)) throw new Error(`sentinel ${sentinel.host}:${sentinel.port} does not monitor ${recipe.name}`);
        return `${String(addr[0])}:${String(addr[1])}`;
    });
}

/** container IP:6379 -> container name, for the data nodes. */
async function addressesOf(containers: string[]): Promise<Map<string, string>> {
    const docker = dockerClient();
    const out = new Map<string, string>();
    for (const name of containers) {
        const info = await docker.getContainer(name).inspect();
        for (const net of Object.values(info.NetworkSettings.Networks ?? {})) {
            if (net.IPAddress) out.set(`${net.IPAddress}:6379`, name);
        }
    }
    return out;
}

/**
 * One failover of a healthy group: stops the master's container under a writer, times the
 * failover, checks that no acknowledged write was lost, then starts the old master again and
 * waits until it is a linked replica of the new one.
 */
export async function failOverOnce(target: FailoverTarget): Promise<FailoverSample> {
    const { recipe, password } = target;
    const timeoutMs = target.timeoutMs ?? 30_000;
    const log = target.log ?? (() => undefined);
    const docker = dockerClient();
    const names = await addressesOf(target.containers);
    const nat = (addr: string): { host: string; port: number } => {
        const hp = recipe.natMap[addr];
        if (!hp) throw new Error(`no natMap entry for ${addr}`);
        return hp;
    };
    const oldAddr = await reportedMaster(recipe, recipe.sentinels[0]!, password);
    const from = names.get(oldAddr);
    if (!from) throw new Error(`the sentinels report master ${oldAddr}, none of ${target.containers.join(", ")}`);

    // The writer: each key SET, then WAIT 1 1000; only keys a replica acknowledged count.
    const writer = new Redis({
        sentinels: recipe.sentinels,
        name: recipe.name,
        natMap: recipe.natMap,
        password,
        sentinelPassword: password,
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 1000,
        commandTimeout: 2000,
        retryStrategy: () => 20,
        sentinelRetryStrategy: () => 20,
        // No failoverDetector: ioredis 6 ends the client for good when +switch-master arrives while it
        // is resolving the master (connect() rejects with "Connection is closed."). Losing the
        // master's connection is enough to make it ask the sentinels again.
    });
    writer.on("error", () => undefined);
    const prefix = `failover:${Date.now()}:`;
    const acked: string[] = [];
    const errors: Record<string, number> = {};
    let stoppedAt = Infinity;
    let firstWriteAt: number | undefined;
    let firstAckAt: number | undefined;
    let writing = true;
    let unacked = 0;
    try {
        await writer.connect();
    } catch (err) {
        writer.disconnect();
        throw err;
    }
    const loop = (async () => {
        for (let i = 0; writing; i++) {
            const key = `${prefix}${i}`;
            const startedAt = performance.now();
            try {
                await writer.set(key, String(i));
                if (startedAt > stoppedAt) firstWriteAt ??= performance.now();
                if (Number(await writer.call("WAIT", "1", "1000")) >= 1) {
                    acked.push(key);
                    if (startedAt > stoppedAt) firstAckAt ??= performance.now();
                } else {
                    unacked++;
                }
            } catch (err) {
                const msg = (err as Error).message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, "<addr>");
                errors[msg] = (errors[msg] ?? 0) + 1;
                await sleep(10);
            }
        }
    })();

    try {
        await pollUntil("the writer's first 20 acknowledged writes", timeoutMs, async () => (acked.length >= 20 ? true : undefined), 20);

        // Redis 7.0 ignores SIGTERM while it writes its initial AOF ("Writing initial AOF, can't
        // exit"), and docker stop then waits its 10 s grace period: stop only a settled master.
        const master = nat(oldAddr);
        await pollUntil(
            `${from} to finish its AOF rewrite`,
            timeoutMs,
            async () => {
                const info = infoFields(await withNode(master, password, (c) => c.info("persistence")));
                return info.aof_rewrite_in_progress === "0" && info.aof_rewrite_scheduled === "0" ? true : undefined;
            },
            50,
        );
        const t0 = performance.now();
        await (target.kill ? docker.getContainer(from).kill() : docker.getContainer(from).stop({ t: 10 }));
        stoppedAt = performance.now();
        const newAddr = await pollUntil(
            "a sentinel to report a new master",
            timeoutMs,
            async () => {
                const addrs = await Promise.all(recipe.sentinels.map((s) => reportedMaster(recipe, s, password).catch(() => oldAddr)));
                return addrs.find((a) => a !== oldAddr);
            },
            10,
        );
        const newMasterAt = performance.now();
        await pollUntil(
            "a write acknowledged after the stop",
            timeoutMs,
            async () => (firstAckAt !== undefined ? true : undefined),
            10,
        ).catch((err: Error) => {
            const seen = `new master ${newAddr}; writes since the stop: ${firstWriteAt === undefined ? "none succeeded" : "some succeeded"}, ${unacked} not acknowledged; errors ${JSON.stringify(errors)}; writer ${writer.status}`;
            throw new Error(`${err.message}: ${seen}`);
        });
        const to = names.get(newAddr) ?? newAddr;
        // A little more writing on the new master, then stop the writer.
        const more = acked.length + 10;
        await pollUntil("10 more acknowledged writes", timeoutMs, async () => (acked.length >= more ? true : undefined), 10);
        writing = false;
        await loop;
        writer.disconnect();

        // Every acknowledged key must be on the new master.
        const lost = await withNode(nat(newAddr), password, async (c) => {
            let missing = 0;
            for (let i = 0; i < acked.length; i += 500) {
                const chunk = acked.slice(i, i + 500);
                const values = await c.mget(...chunk);
                missing += values.filter((v) => v === null).length;
                await c.del(...chunk);
            }
            return missing;
        });

        // The old master comes back as a master; Sentinel turns it into a replica of the new one.
        const restartAt = performance.now();
        await docker.getContainer(from).start();
        const old = nat(oldAddr);
        // Of whichever master the sentinels report by then: with down-after 1 s, a second failover may follow.
        await pollUntil(
            `${from} to rejoin as a replica`,
            timeoutMs * 3,
            async () => {
                const now = await reportedMaster(recipe, recipe.sentinels[0]!, password);
                const info = infoFields(await withNode(old, password, (c) => c.info("replication")));
                const follows = `${info.master_host}:${info.master_port}` === now;
                return info.role === "slave" && follows && info.master_link_status === "up" ? true : undefined;
            },
            100,
        );
        const rejoinMs = performance.now() - restartAt;
        const sample: FailoverSample = {
            totalMs: Math.round(Math.max(newMasterAt, firstAckAt!) - t0),
            newMasterMs: Math.round(newMasterAt - t0),
            firstWriteMs: Math.round((firstWriteAt ?? firstAckAt!) - t0),
            firstAckMs: Math.round(firstAckAt! - t0),
            stopMs: Math.round(stoppedAt - t0),
            newMasterAfterExitMs: Math.round(newMasterAt - stoppedAt),
            rejoinMs: Math.round(rejoinMs),
            from,
            to,
            acked: acked.length,
            lost,
            errors,
        };
        log(
            `failover ${from} -> ${to}: ${sample.totalMs} ms (new master ${sample.newMasterMs} ms, first write ${sample.firstWriteMs} ms, ` +
                `acknowledged ${sample.firstAckMs} ms; docker ${target.kill ? "kill" : "stop"} took ${sample.stopMs} ms, new master ${sample.newMasterAfterExitMs} ms after the exit); ${sample.acked} acknowledged, ${sample.lost} lost; ` +
                `old master rejoined in ${sample.rejoinMs} ms`,
        );
        return sample;
    } finally {
        writing = false;
        writer.disconnect();
        await loop.catch(() => undefined);
    }
}

/** Options of measureFailover; subnet and ports are parameters so runs don't collide. */
export interface FailoverOptions {
    /** Failovers to measure, at least 3. */
    runs: number;
    /** Subnet of the group's network. Default 10.232.200.0/24. */
    subnet?: string;
    /** Host port of the master; the replicas take the next two. Default 26200. */
    hostPort?: number;
    /** Host port of the first sentinel; the others take the next two. Default 36290. */
    sentinelHostPort?: number;
    /** sentinel.downAfterMilliseconds. Default 1000. */
    downAfterMilliseconds?: number;
    /** Crash the master (docker kill) instead of stopping it. Default false. */
    kill?: boolean;
    /** Base image of docker/Dockerfile. Default the test base (ensureBaseImage). */
    baseImage?: string;
    /** Value of the redis-replication.test label on everything made. Default "bench-failover". */
    testLabel?: string;
    /** Progress lines. */
    log?: (line: string) => void;
}

/** min/median/max of the runs' totalMs, the samples, and every run's detail. */
export interface FailoverResult {
    min: number;
    median: number;
    max: number;
    samples: number[];
    runs: FailoverSample[];
}

/** Deploys a 1+2 group with 3 sentinels, fails it over `runs` times, tears it down (also on failure). */
export async function measureFailover(opts: FailoverOptions): Promise<FailoverResult> {
    if (!Number.isInteger(opts.runs) || opts.runs < 3) throw new Error(`measureFailover: runs must be 3 or more, got ${opts.runs}`);
    const label = opts.testLabel ?? "bench-failover";
    const log = opts.log ?? ((line: string) => console.log(line));
    const name = "rrfailover";
    const password = "failover-Passw0rd";
    const subnet = opts.subnet ?? "10.232.200.0/24";
    const hostPort = opts.hostPort ?? 26200;
    const sentinelHostPort = opts.sentinelHostPort ?? 36290;
    const base = subnet.split("/")[0]!.split(".").slice(0, 3).join(".");

    await removeLeftovers(label);
    const baseImage = opts.baseImage ?? (await ensureBaseImage());
    const backend: LiveBackend = createLiveBackend({ testLabel: label, cwd: REPO_ROOT });
    const runs: FailoverSample[] = [];
    try {
        await pulumi.runtime.setMocks(backend.mocks, "redis-replication", "bench-failover");
        const { RedisReplicationGroup } = await import("../components");
        const deployStart = performance.now();
        const group = new RedisReplicationGroup(name, {
            name,
            network: { subnet },
            master: { hostPort },
            replicas: 2,
            image: { baseImage },
            sentinel: {
                downAfterMilliseconds: opts.downAfterMilliseconds ?? 1000,
                nodes: [0, 1, 2].map((i) => ({ ip: `${base}.${20 + i}`, hostPort: sentinelHostPort + i })),
            },
            password,
        });
        await promiseOf(group.replication);
        log(`failover bench: group deployed and checked in ${Math.round(performance.now() - deployStart)} ms`);
        const recipe = await promiseOf(group.sentinelClient);
        if (!recipe) throw new Error("the group has no sentinelClient output");
        const containers = [await promiseOf(group.masterContainerName), ...(await promiseOf(group.replicaContainerNames))];
        for (let i = 0; i < opts.runs; i++) {
            runs.push(
                await failOverOnce({
                    recipe,
                    password,
                    containers,
                    kill: opts.kill,
                    log: (line) => log(`run ${i + 1}/${opts.runs}: ${line}`),
                }),
            );
        }
    } finally {
        try {
            await backend.teardown();
        } finally {
            await removeLeftovers(label);
            await dockerClient()
                .getImage(`redis-replication/${name}:latest`)
                .remove()
                .catch(() => undefined);
        }
    }
    const samples = runs.map((r) => r.totalMs);
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
    const lost = runs.reduce((n, r) => n + r.lost, 0);
    if (lost > 0) log(`failover bench: ${lost} acknowledged writes lost`);
    return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, samples, runs };
}

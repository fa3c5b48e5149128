// Sentinel failover, measured: a 1+2 group with 3 sentinels is deployed through the component on
// the live Docker backend; then, run after run, the current master's container is stopped under a
// writer (harness/failover.ts). A run's time is from the stop until Sentinel reports a new master
// and a write is acknowledged again; every acknowledged write must be on the new master, and the
// old master must rejoin as a replica before the next run.
//
// measureFailover sets Pulumi's mocks for itself (pulumi.runtime.setMocks): measures that keep
// their own mock monitor must set it again afterwards.
import * as pulumi from "@pulumi/pulumi";
import { performance } from "perf_hooks";
import { dockerClient, REPO_ROOT } from "../harness/docker";
import { failOverOnce, FailoverSample } from "../harness/failover";
import { ensureBaseImage } from "../harness/image";
import { createLiveBackend, LiveBackend, removeLeftovers } from "../harness/liveDocker";
import { promiseOf } from "../harness/pulumi";
import { median } from "./stats";

/** Options of measureFailover; subnet and ports are parameters so runs don't collide. */
export interface FailoverOptions {
    /** Failovers to measure, at least 3. */
    runs: number;
    /** Subnet of the group's network. Default 10.232.200.0/24. */
    subnet?: string;
    /** Host port of the master; the replicas take the next two. Default 26200. */
    hostPort?: number;
    /** Host port of the first sentinel; the others take the next two. Default 26290 (below the ephemeral ports, which a client connection may hold). */
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
    const sentinelHostPort = opts.sentinelHostPort ?? 26290;
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
            replicaCount: 2,
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
    const lost = runs.reduce((n, r) => n + r.lost, 0);
    if (lost > 0) log(`failover bench: ${lost} acknowledged writes lost`);
    return { min: Math.min(...samples), median: Math.round(median(samples)), max: Math.max(...samples), samples, runs };
}

// One group on three Docker hosts (harness/hosts: a network namespace and a dockerd each), against
// the same group on the one local engine: the deploy of a 1+2 group with 3 sentinels, run after
// run in alternation; then host losses: under a Sentinel-aware writer, the engine of the current
// master's host is stopped, timed until Sentinel reports a master on another host and a write is
// acknowledged on it; the acknowledged writes the new master lacks are counted; the host is started
// again and its old master waited for as a linked replica before the next run.
//
// measureMultihost sets Pulumi's mocks for its own stacks: measures that keep their own mock
// monitor must set them again afterwards.
import { performance } from "perf_hooks";
import Redis from "ioredis";
import type { RedisReplicationGroupArgs, SentinelClientRecipe } from "../components";
import { reportedMaster } from "../harness/failover";
import { GroupStack } from "../harness/groupStack";
import { copyImageToHosts, removeSimHosts, SimHost, simHostsAnswer, startEngine, startSimHosts, stopEngine } from "../harness/hosts";
import { pollUntil } from "../harness/poll";
import { promiseOf } from "../harness/pulumi";
import { countMissing, parseInfo, withEndpoint } from "../harness/redisClient";
import { AckedWriter } from "../harness/writer";
import { PASSWORD } from "./groups";
import { median } from "./stats";

export const MULTIHOST_LABELS = ["bench-multihost", "bench-multihost-single"];
export const MULTIHOST_IMAGES = ["rrmh", "rrmhsingle"].map((n) => `redis-replication/${n}:latest`);

export interface MultihostResult {
    multihost: {
        runs: number;
        /** 1+2 with 3 sentinels on three hosts: the first up, from the program's start to the check done. */
        deploy_ms: number;
        /** The same group on the one local engine, in the same run. */
        single_host_deploy_ms: number;
        /** The master's host engine stopped -> a master on another host and a write acknowledged on it. */
        host_loss_failover_ms: number;
        /** Writes acknowledged by a replica (WAIT 1) over the host losses, and how many the new masters lacked. */
        acked_writes: number;
        lost_writes: number;
    };
}

function args(hosts: SimHost[] | undefined, baseImage: string): RedisReplicationGroupArgs {
    const onHosts = hosts && { hosts: Object.fromEntries(hosts.map((h) => [h.name, { address: h.address, dockerHost: h.dockerHost }])) };
    return {
        name: hosts ? "rrmh" : "rrmhsingle",
        ...onHosts,
        network: { subnet: hosts ? "10.236.0.0/24" : "10.236.1.0/24" },
        master: { hostPort: hosts ? 7680 : 7690 },
        replicaCount: 2,
        image: { baseImage },
        password: PASSWORD,
        sentinel: {},
    };
}

const withNode = <T>(endpoint: string, fn: (c: Redis) => Promise<T>): Promise<T> => withEndpoint(endpoint, PASSWORD, fn);

/** ip:port of the master, as the first sentinel not on host `skip` that answers reports it. */
async function anyReportedMaster(recipe: SentinelClientRecipe, skip: string): Promise<string> {
    for (const s of recipe.sentinels.filter((x) => x.host !== skip)) {
        const addr = await reportedMaster(recipe, s, PASSWORD).catch(() => undefined);
        if (addr !== undefined) return addr;
    }
    throw new Error("no sentinel answers");
}

async function measureDeploys(runs: number, hosts: SimHost[], baseImage: string, log: (line: string) => void) {
    const samples = { single: [] as number[], multi: [] as number[] };
    for (let run = 1; run <= runs; run++) {
        const order: ("single" | "multi")[] = run % 2 === 0 ? ["multi", "single"] : ["single", "multi"];
        for (const kind of order) {
            const label = MULTIHOST_LABELS[kind === "multi" ? 0 : 1]!;
            const stack = await GroupStack.start(label, "redis-replication", label);
            const a = args(kind === "multi" ? hosts : undefined, baseImage);
            try {
                samples[kind].push((await stack.up(a.name!, a)).ms);
            } finally {
                await stack.destroy();
            }
        }
        log(`deploy run ${run}/${runs}: one engine ${samples.single.at(-1)} ms, three hosts ${samples.multi.at(-1)} ms`);
    }
    return { single: Math.round(median(samples.single)), multi: Math.round(median(samples.multi)) };
}

/** One host loss: the current master's host engine stopped under the writer, then started again. */
async function loseMastersHost(recipe: SentinelClientRecipe, hosts: SimHost[]) {
    const from = await anyReportedMaster(recipe, "");
    const host = hosts.find((h) => from.startsWith(`${h.address}:`))!;
    const writer = await AckedWriter.start(recipe, PASSWORD);
    let ms = 0;
    let to = "";
    try {
        await writer.until("20 acknowledged writes before the loss", 30_000, () => writer.acked.length >= 20);
        const stopped = performance.now();
        await stopEngine(host);
        writer.stoppedAt = stopped;
        to = await pollUntil("a master on another host", 60_000, async () => {
            const m = await anyReportedMaster(recipe, host.address);
            return m === from ? undefined : m;
        });
        await writer.until("a write acknowledged under the new master", 60_000, () => writer.firstAckAt !== undefined);
        ms = Math.round(writer.firstAckAt! - stopped);
        await writer.until("20 writes under the new master", 60_000, () => writer.ackedAfterStop >= 20);
    } finally {
        await writer.stop();
    }
    const lost = await withNode(to, (c) => countMissing(c, writer.acked));
    await startEngine(host);
    await pollUntil("the old master, a linked replica again", 90_000, async () => {
        const info = parseInfo(await withNode(from, (c) => c.info("replication")));
        return info.role === "slave" && info.master_link_status === "up";
    });
    return { ms, acked: writer.acked.length, lost, host: host.name };
}

async function measureHostLosses(runs: number, hosts: SimHost[], baseImage: string, log: (line: string) => void) {
    const label = MULTIHOST_LABELS[0]!;
    const stack = await GroupStack.start(label, "redis-replication", label);
    const totals: number[] = [];
    let acked = 0;
    let lost = 0;
    try {
        const a = args(hosts, baseImage);
        const recipe = (await promiseOf((await stack.up(a.name!, a)).group.sentinelClient))!;
        for (let run = 1; run <= runs; run++) {
            const loss = await loseMastersHost(recipe, hosts);
            totals.push(loss.ms);
            acked += loss.acked;
            lost += loss.lost;
            log(`host loss run ${run}/${runs}: host ${loss.host} stopped, ${loss.ms} ms; ${loss.acked} acknowledged, ${loss.lost} lost`);
        }
    } finally {
        for (const h of hosts) await startEngine(h);
        await stack.destroy();
    }
    return { ms: Math.round(median(totals)), acked, lost };
}

/** Deploys on three hosts and on one engine, side by side, then host losses. */
export async function measureMultihost(runs: number, baseImage: string, log: (line: string) => void): Promise<MultihostResult> {
    // Hosts that answer already are left running, as found.
    const found = await simHostsAnswer();
    const hosts = (await startSimHosts()).slice(0, 3); // the group's three; the fourth stays idle
    try {
        await copyImageToHosts(baseImage, hosts);
        const deploys = await measureDeploys(runs, hosts, baseImage, log);
        const losses = await measureHostLosses(Math.max(3, Math.ceil(runs / 2)), hosts, baseImage, log);
        return {
            multihost: {
                runs,
                deploy_ms: deploys.multi,
                single_host_deploy_ms: deploys.single,
                host_loss_failover_ms: losses.ms,
                acked_writes: losses.acked,
                lost_writes: losses.lost,
            },
        };
    } finally {
        if (!found) await removeSimHosts();
    }
}

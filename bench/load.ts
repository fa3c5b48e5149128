// Replica lag under SET load (goal p99 ≤ 50 ms) and GET throughput, against a deployed tuned 1+2
// group, with redis-benchmark; and the round trip of one ioredis call, the cost of each of the
// bench's polls.
import { spawn } from "child_process";
import type Redis from "ioredis";
import { performance } from "perf_hooks";
import { connect, parseInfo } from "../harness/redisClient";
import { deploy, PASSWORD } from "./groups";
import { percentile, sleep, stats, Stats, withDeadline } from "./stats";

const SAMPLE_MS = 10;
const BENCH_TIMEOUT_MS = 120_000;

export interface Lag {
    p50_ms: number;
    p99_ms: number;
    max_ms: number;
    p50_bytes: number;
    p99_bytes: number;
    max_bytes: number;
    /** redis-benchmark SET rate while lag was sampled. */
    set_rps: number;
    /** Offset samples per node. */
    samples: number;
}

export interface Throughput {
    master_get_rps: number;
    all_nodes_get_rps: number;
    /** Each node's share of all_nodes_get_rps, master first. */
    per_node_get_rps: number[];
}

/** redis-benchmark's concurrent clients for a GET throughput. */
export const GET_CLIENTS = 50;

/** Runs redis-benchmark against 127.0.0.1:port (with `extra` flags, e.g. TLS's) and returns its requests per second. */
export function redisBenchmark(
    port: number,
    test: "set" | "get",
    requests: number,
    clients: number,
    extra: string[] = [],
): Promise<number> {
    const argv = [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-a",
        PASSWORD,
        "-t",
        test,
        "-n",
        String(requests),
        "-c",
        String(clients),
        "--csv",
        ...extra,
    ];
    const run = new Promise<number>((resolve, reject) => {
        const child = spawn("redis-benchmark", argv, { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
        child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), BENCH_TIMEOUT_MS);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            // "GET","51282.05","0.523",...
            const line = out.split(/\r?\n/).find((l) => l.startsWith(`"${test.toUpperCase()}"`));
            const rps = line ? Number(line.split(",")[1]?.replace(/"/g, "")) : NaN;
            if (code !== 0 || !Number.isFinite(rps))
                reject(new Error(`redis-benchmark -p ${port} -t ${test} exited ${code}: ${out.trim()} ${err.trim()}`));
            else resolve(rps);
        });
    });
    return withDeadline(run, BENCH_TIMEOUT_MS + 5000, `redis-benchmark -p ${port}`);
}

interface Sample {
    /** Midpoint of the INFO round trip. */
    t: number;
    offset: number;
}

/** Samples the master's master_repl_offset and each replica's slave_repl_offset every 10 ms, all at once. */
class OffsetSampler {
    readonly master: Sample[] = [];
    readonly replicas: Sample[][];
    private stopped = false;
    private loop: Promise<void> | undefined;
    private error: unknown;

    constructor(private readonly clients: Redis[]) {
        this.replicas = clients.slice(1).map(() => []);
    }

    start(): void {
        this.loop = (async () => {
            while (!this.stopped) {
                const next = performance.now() + SAMPLE_MS;
                await Promise.all(
                    this.clients.map(async (c, i) => {
                        const sent = performance.now();
                        const info = parseInfo(await c.info("replication"));
                        const t = (sent + performance.now()) / 2;
                        const offset = Number(i === 0 ? info.master_repl_offset : info.slave_repl_offset);
                        if (!Number.isFinite(offset)) throw new Error(`INFO replication of node ${i} has no offset`);
                        (i === 0 ? this.master : this.replicas[i - 1]!).push({ t, offset });
                    }),
                );
                await sleep(next - performance.now());
            }
        })().catch((err: unknown) => {
            this.error = err;
            this.stopped = true;
        });
    }

    async stop(): Promise<void> {
        this.stopped = true;
        await this.loop;
        if (this.error !== undefined) throw this.error;
    }

    /** Waits until every replica has reached the master's current offset (bounded). */
    async caughtUp(timeoutMs: number): Promise<void> {
        const deadline = performance.now() + timeoutMs;
        for (;;) {
            if (this.error !== undefined) throw this.error;
            const m = this.master.at(-1)?.offset ?? 0;
            if (this.replicas.every((r) => (r.at(-1)?.offset ?? -1) >= m)) return;
            if (performance.now() > deadline) throw new Error("lag: replicas did not catch up with the master within the deadline");
            await sleep(SAMPLE_MS);
        }
    }
}

function computeLag(s: OffsetSampler, from: number, to: number): Omit<Lag, "set_rps"> {
    const bytes: number[] = [];
    const ms: number[] = [];
    const masterIn = s.master.filter((m) => m.t >= from && m.t <= to);
    const base = s.master.filter((m) => m.t < from).at(-1)?.offset ?? 0;
    for (const replica of s.replicas) {
        // Bytes: master offset minus replica offset, sampled in the same round.
        for (let i = 0; i < Math.min(replica.length, s.master.length); i++) {
            const m = s.master[i]!;
            if (m.t >= from && m.t <= to) bytes.push(Math.max(0, m.offset - replica[i]!.offset));
        }
        // Time: when the master was seen at offset X, how long until the replica was seen at X or past it.
        let j = 0;
        for (const m of masterIn) {
            if (m.offset <= base) continue;
            while (j < replica.length && replica[j]!.offset < m.offset) j++;
            if (j >= replica.length) throw new Error(`lag: a replica never reached offset ${m.offset}`);
            ms.push(Math.max(0, replica[j]!.t - m.t));
        }
    }
    if (bytes.length === 0 || ms.length === 0) throw new Error("lag: no samples during the benchmark");
    return {
        p50_ms: Math.round(percentile(ms, 50)),
        p99_ms: Math.round(percentile(ms, 99)),
        max_ms: Math.round(Math.max(...ms)),
        p50_bytes: percentile(bytes, 50),
        p99_bytes: percentile(bytes, 99),
        max_bytes: Math.max(...bytes),
        samples: s.master.length,
    };
}

/** The round trip of one ioredis call: PINGs one after another on one connection, in µs. */
export interface RoundTrip extends Stats {
    p99: number;
    /** PINGs timed. */
    calls: number;
}

const ROUND_TRIP_CALLS = 1000;

/** Times ROUND_TRIP_CALLS PINGs in a row on the client, with nothing else loading the node. */
async function measureRoundTrip(client: Redis): Promise<RoundTrip> {
    const us: number[] = [];
    for (let i = 0; i < ROUND_TRIP_CALLS; i++) {
        const t = performance.now();
        await client.ping();
        us.push((performance.now() - t) * 1000);
    }
    return { ...stats(us, "ioredis round trip"), p99: Math.round(percentile(us, 99)), calls: us.length };
}

/** Samples every node's offset while redis-benchmark SETs lagRequests keys on the master. */
async function measureLag(clients: Redis[], masterPort: number, lagRequests: number): Promise<Lag> {
    const sampler = new OffsetSampler(clients);
    sampler.start();
    await sleep(50);
    const from = performance.now();
    const setRps = await redisBenchmark(masterPort, "set", lagRequests, 50);
    const to = performance.now();
    await sampler.caughtUp(10_000);
    await sleep(2 * SAMPLE_MS);
    await sampler.stop();
    return { ...computeLag(sampler, from, to), set_rps: Math.round(setRps) };
}

/** redis-benchmark GET on the master alone, then on every node at once. */
async function measureThroughput(ports: number[], getRequests: number): Promise<Throughput> {
    const master = await redisBenchmark(ports[0]!, "get", getRequests, GET_CLIENTS);
    const perNode = await Promise.all(ports.map((p) => redisBenchmark(p, "get", getRequests, GET_CLIENTS)));
    return {
        master_get_rps: Math.round(master),
        all_nodes_get_rps: Math.round(perNode.reduce((a, b) => a + b, 0)),
        per_node_get_rps: perNode.map(Math.round),
    };
}

/** What measureLoad measured. */
export interface LoadResult {
    lag: Lag;
    throughput: Throughput;
    roundTrip: RoundTrip;
}

/** lagRequests SET for the lag; getRequests GET per redis-benchmark for the throughput. */
export async function measureLoad(
    baseImage: string,
    lagRequests: number,
    getRequests: number,
    log: (s: string) => void,
): Promise<LoadResult> {
    let result: LoadResult | undefined;
    await deploy("tuned", 2, baseImage, {
        after: async (d) => {
            const ports = [d.ports.master, ...d.ports.replicas];
            const clients = await Promise.all(ports.map((p) => connect(p, PASSWORD, { connectTimeout: 2000 })));
            let lag: Lag;
            let roundTrip: RoundTrip;
            try {
                roundTrip = await measureRoundTrip(clients[0]!);
                log(
                    `ioredis round trip (${roundTrip.calls} PINGs in a row): median ${roundTrip.median} µs, p99 ${roundTrip.p99} µs, max ${roundTrip.max} µs`,
                );
                lag = await measureLag(clients, d.ports.master, lagRequests);
                log(
                    `lag: p50 ${lag.p50_ms} ms / ${lag.p50_bytes} B, p99 ${lag.p99_ms} ms / ${lag.p99_bytes} B, max ${lag.max_ms} ms / ${lag.max_bytes} B (SET ${lag.set_rps} rps, ${lag.samples} samples)`,
                );
            } finally {
                clients.forEach((c) => c.disconnect());
            }
            const throughput = await measureThroughput(ports, getRequests);
            log(
                `throughput: GET master ${throughput.master_get_rps} rps, master+replicas ${throughput.all_nodes_get_rps} rps (${throughput.per_node_get_rps.join(" + ")})`,
            );
            result = { lag, throughput, roundTrip };
        },
    });
    if (!result) throw new Error("load: no result");
    return result;
}

// The writer's loop, run in a worker thread of its own (see writer.ts): each key SET, then
// WAIT 1 1000, and every outcome posted to the thread that started it, stamped with the time.
import Redis, { RedisOptions } from "ioredis";
import { performance } from "perf_hooks";
import { parentPort, workerData } from "worker_threads";
import type { SentinelClientRecipe } from "../components/outputs";
import { clientOptions } from "./redisClient";

/** Where the writer writes: through the sentinels of `recipe`, or to `port` on 127.0.0.1. */
export interface WriterSpec {
    recipe?: SentinelClientRecipe;
    port?: number;
    password?: string;
    /** With a TLS group whose nodes want a client certificate. */
    clientCert?: { cert: string; key: string };
}

/** One pass of the loop. Times are epoch milliseconds (performance.timeOrigin + now()), with fractions. */
export interface WriteRecord {
    i: number;
    started: number;
    /** When the SET succeeded, and the node that took it. */
    setAt?: number;
    target?: string;
    /** When WAIT answered, and whether a replica acknowledged the key. */
    waitAt?: number;
    acked?: boolean;
    /** The failed command's message (addresses masked), and when it failed. */
    error?: string;
    errorAt?: number;
}

export type FromWriter =
    | { kind: "ready"; prefix: string }
    | { kind: "fatal"; message: string }
    | { kind: "records"; records: WriteRecord[]; status: string }
    | { kind: "done" };

/** Unlike the tests' other clients, the writer reconnects (every 20 ms) while its master is down. */
const RETRYING: RedisOptions = { connectTimeout: 1000, commandTimeout: 2000, retryStrategy: () => 20 };

function optionsOf(spec: WriterSpec): RedisOptions {
    const { recipe, password } = spec;
    if (!recipe) return clientOptions(spec.port!, password, RETRYING);
    const tls = recipe.tls && { ...recipe.tls, ...spec.clientCert };
    return {
        ...(tls ? { enableTLSForSentinelMode: true, tls, sentinelTLS: tls } : {}),
        ...clientOptions(0, password, RETRYING),
        host: undefined,
        port: undefined,
        sentinels: recipe.sentinels,
        name: recipe.name,
        natMap: recipe.natMap,
        sentinelPassword: password,
        sentinelRetryStrategy: () => 20,
        // No failoverDetector: ioredis ends the client for good when +switch-master arrives while it
        // is resolving the master (connect() rejects with "Connection is closed."). Losing the
        // master's connection is enough to make it ask the sentinels again.
    };
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(port: NonNullable<typeof parentPort>, spec: WriterSpec): Promise<void> {
    const client = new Redis(optionsOf(spec));
    client.on("error", () => undefined);
    try {
        await client.connect();
    } catch (err) {
        client.disconnect();
        port.postMessage({ kind: "fatal", message: (err as Error).message } satisfies FromWriter);
        return;
    }
    let writing = true;
    port.on("message", () => (writing = false));
    const prefix = `failover:${Date.now()}:`;
    port.postMessage({ kind: "ready", prefix } satisfies FromWriter);
    let pending: WriteRecord[] = [];
    const flush = () => {
        if (pending.length > 0) port.postMessage({ kind: "records", records: pending, status: client.status } satisfies FromWriter);
        pending = [];
    };
    const flusher = setInterval(flush, 20);
    for (let i = 0; writing; i++) {
        const r: WriteRecord = { i, started: now() };
        try {
            await client.set(`${prefix}${i}`, String(i));
            r.setAt = now();
            r.target = `${client.stream?.remoteAddress}:${client.stream?.remotePort}`;
            r.acked = Number(await client.call("WAIT", "1", "1000")) >= 1;
            r.waitAt = now();
        } catch (err) {
            r.error = (err as Error).message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, "<addr>");
            r.errorAt = now();
        }
        pending.push(r);
        if (r.error !== undefined) await sleep(10);
    }
    clearInterval(flusher);
    flush();
    client.disconnect();
    port.postMessage({ kind: "done" } satisfies FromWriter);
}

if (parentPort) void main(parentPort, workerData as WriterSpec);

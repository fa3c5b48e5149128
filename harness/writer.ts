// A writer for the tests and the bench: it keeps writing keys while the group changes under it,
// each SET confirmed with WAIT 1 1000, and counts what a replica acknowledged, what failed and
// when. Every loop is bounded by stop().
import Redis, { RedisOptions } from "ioredis";
import { performance } from "perf_hooks";
import type { SentinelClientRecipe } from "../components/outputs";
import { pollUntil } from "./poll";
import { clientOptions } from "./redisClient";

/** Unlike the tests' other clients, the writer reconnects (every 20 ms) while its master is down. */
const RETRYING: RedisOptions = { connectTimeout: 1000, commandTimeout: 2000, retryStrategy: () => 20 };

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

/** The writer: each key SET, then WAIT 1 1000; only keys a replica acknowledged count. */
export class AckedWriter {
    readonly acked: string[] = [];
    readonly errors: Record<string, number> = {};
    unacked = 0;
    /** performance.now() of the first failed write's start and the last failed write's end. */
    firstErrorAt: number | undefined;
    lastErrorAt: number | undefined;
    /** When the master's stop returned; writes started after it count for the new master. */
    stoppedAt = Infinity;
    firstWriteAt: number | undefined;
    firstAckAt: number | undefined;
    /** The closed spans of consecutive failed writes, summed; and the open one's start and end. */
    private closedErrorMs = 0;
    private spanStart: number | undefined;
    private spanEnd = 0;
    ackedAfterStop = 0;
    /** Each node the writer's SETs reached, with the index of the first key written there. */
    readonly targets: string[] = [];
    private writing = true;
    private readonly loop: Promise<void>;

    private constructor(private readonly client: Redis) {
        this.loop = this.run(`failover:${Date.now()}:`);
    }

    /**
     * Through the sentinels, as a Sentinel-aware application writes. With a TLS group, over TLS
     * with the recipe's options, and `clientCert` when the nodes want a client certificate.
     */
    static async start(recipe: SentinelClientRecipe, password: string, clientCert?: { cert: string; key: string }): Promise<AckedWriter> {
        const tls = recipe.tls && { ...recipe.tls, ...clientCert };
        return AckedWriter.connect({
            ...(tls ? { enableTLSForSentinelMode: true, tls, sentinelTLS: tls } : {}),
            ...clientOptions(0, password, RETRYING),
            host: undefined,
            port: undefined,
            sentinels: recipe.sentinels,
            name: recipe.name,
            natMap: recipe.natMap,
            sentinelPassword: password,
            sentinelRetryStrategy: () => 20,
            // No failoverDetector: ioredis 6 ends the client for good when +switch-master arrives while it
            // is resolving the master (connect() rejects with "Connection is closed."). Losing the
            // master's connection is enough to make it ask the sentinels again.
        });
    }

    /** To one endpoint on 127.0.0.1 (the master's published port), reconnecting every 20 ms while it is down. */
    static async direct(port: number, password: string | undefined): Promise<AckedWriter> {
        return AckedWriter.connect(clientOptions(port, password, RETRYING));
    }

    private static async connect(options: RedisOptions): Promise<AckedWriter> {
        const client = new Redis(options);
        client.on("error", () => undefined);
        try {
            await client.connect();
        } catch (err) {
            client.disconnect();
            throw err;
        }
        return new AckedWriter(client);
    }

    private async run(prefix: string): Promise<void> {
        for (let i = 0; this.writing; i++) {
            const key = `${prefix}${i}`;
            const started = performance.now();
            const afterStop = started > this.stoppedAt;
            try {
                await this.client.set(key, String(i));
                this.noteTarget(i);
                this.closeSpan();
                if (afterStop) this.firstWriteAt ??= performance.now();
                if (Number(await this.client.call("WAIT", "1", "1000")) >= 1) {
                    this.acked.push(key);
                    if (afterStop) {
                        this.firstAckAt ??= performance.now();
                        this.ackedAfterStop++;
                    }
                } else {
                    this.unacked++;
                }
            } catch (err) {
                const msg = (err as Error).message.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, "<addr>");
                this.errors[msg] = (this.errors[msg] ?? 0) + 1;
                this.firstErrorAt ??= started;
                this.lastErrorAt = performance.now();
                this.spanStart ??= started;
                this.spanEnd = this.lastErrorAt;
                await sleep(10);
            }
        }
    }

    /** Waits until `done()` holds; on timeout, says what the writer saw. */
    async until(what: string, timeoutMs: number, done: () => boolean): Promise<void> {
        await pollUntil(what, timeoutMs, async () => done(), 10).catch((err: Error) => {
            const since = this.firstWriteAt === undefined ? "none succeeded" : "some succeeded";
            const seen = `writes since the stop: ${since}, ${this.unacked} not acknowledged; errors ${JSON.stringify(this.errors)}; writer ${this.client.status}`;
            throw new Error(`${err.message}: ${seen}`);
        });
    }

    /** From the start of the first failed write to the end of the last; 0 without failures. */
    get errorWindowMs(): number {
        return this.firstErrorAt === undefined ? 0 : Math.round(this.lastErrorAt! - this.firstErrorAt);
    }

    private noteTarget(i: number): void {
        const stream = this.client.stream;
        const at = `${stream?.remoteAddress}:${stream?.remotePort}`;
        if (this.targets.length === 0 || !this.targets[this.targets.length - 1]!.startsWith(`${at} `))
            this.targets.push(`${at} from key ${i}`);
    }

    private closeSpan(): void {
        if (this.spanStart === undefined) return;
        this.closedErrorMs += this.spanEnd - this.spanStart;
        this.spanStart = undefined;
    }

    /** How long writes actually failed: each run of failed writes from its first start to its last end, summed. */
    get writeErrorMs(): number {
        const open = this.spanStart === undefined ? 0 : this.spanEnd - this.spanStart;
        return Math.round(this.closedErrorMs + open);
    }

    /** Failed writes, all errors together. */
    get failed(): number {
        return Object.values(this.errors).reduce((a, b) => a + b, 0);
    }

    async stop(): Promise<void> {
        this.writing = false;
        await this.loop.catch(() => undefined);
        this.client.disconnect();
    }
}

// A writer for the tests and the bench: it keeps writing keys while the group changes under it,
// each SET confirmed with WAIT 1 1000, and counts what a replica acknowledged, what failed and
// when. Every loop is bounded by stop().
//
// The loop runs in a worker thread (writerLoop.ts). The Pulumi program runs in this thread and can
// block its event loop for over a second (measured: 0.6 to 1.7 s as an `up` registers a group); a client
// here would then see its 2 s command timer fire before it read a reply Redis had sent in time.
import { performance } from "perf_hooks";
import { Worker } from "worker_threads";
import type { SentinelClientRecipe } from "../components/outputs";
import { pollUntil } from "./poll";
import type { FromWriter, WriteRecord, WriterSpec } from "./writerLoop";

/** The loop's file; under ts-node the worker registers it first. */
function startLoop(spec: WriterSpec): Worker {
    const file = __filename.replace(/writer\.(ts|js)$/, "writerLoop.$1");
    if (file.endsWith(".js")) return new Worker(file, { workerData: spec });
    const boot = `require("ts-node").register({ transpileOnly: true }); require(${JSON.stringify(file)});`;
    return new Worker(boot, { eval: true, workerData: spec });
}

/** A worker's epoch time on this thread's performance.now() clock. */
const local = (t: number) => t - performance.timeOrigin;

/** The writer: each key SET, then WAIT 1 1000; only keys a replica acknowledged count. */
export class AckedWriter {
    readonly acked: string[] = [];
    readonly errors: Record<string, number> = {};
    unacked = 0;
    /** performance.now() of the first failed write's start and the last failed write's end. */
    firstErrorAt: number | undefined;
    lastErrorAt: number | undefined;
    /**
     * When the master's stop returned; writes started after it count for the new master. A write
     * counts only if it also started after this was set (a caller may set the time it took before
     * the stop).
     */
    get stoppedAt(): number {
        return this.stoppedAtGiven;
    }
    set stoppedAt(at: number) {
        this.stoppedAtGiven = at;
        this.stopSetAt = performance.now();
    }
    private stoppedAtGiven = Infinity;
    private stopSetAt = Infinity;
    /** Each node the writer's SETs reached, with the index of the first key written there. */
    readonly targets: string[] = [];
    /** The writes a node took, in order, on this thread's clock. */
    private readonly taken: { started: number; setAt: number; waitAt?: number; acked?: boolean }[] = [];
    /** The closed spans of consecutive failed writes, summed; and the open one's start and end. */
    private closedErrorMs = 0;
    private spanStart: number | undefined;
    private spanEnd = 0;
    private status = "connecting";
    private readonly done: Promise<void>;

    private constructor(
        private readonly worker: Worker,
        private readonly prefix: string,
    ) {
        this.done = new Promise((resolve) => {
            worker.on("message", (m: FromWriter) => {
                if (m.kind === "records") {
                    this.status = m.status;
                    for (const r of m.records) this.note(r);
                } else if (m.kind === "done") resolve();
            });
            worker.on("error", (err) => {
                this.status = `worker failed: ${err.message}`;
                resolve();
            });
            worker.on("exit", () => resolve());
        });
    }

    /**
     * Through the sentinels, as a Sentinel-aware application writes. With a TLS group, over TLS
     * with the recipe's options, and `clientCert` when the nodes want a client certificate.
     */
    static start(recipe: SentinelClientRecipe, password: string, clientCert?: { cert: string; key: string }): Promise<AckedWriter> {
        return AckedWriter.launch({ recipe, password, clientCert });
    }

    /** To one endpoint on 127.0.0.1 (the master's published port), reconnecting every 20 ms while it is down. */
    static direct(port: number, password: string | undefined): Promise<AckedWriter> {
        return AckedWriter.launch({ port, password });
    }

    private static async launch(spec: WriterSpec): Promise<AckedWriter> {
        const worker = startLoop(spec);
        // A test that fails before stop() must not keep the process alive.
        worker.unref();
        const prefix = await new Promise<string>((resolve, reject) => {
            worker.once("message", (m: FromWriter) => {
                if (m.kind === "ready") resolve(m.prefix);
                else reject(new Error(m.kind === "fatal" ? m.message : `writer: unexpected ${m.kind}`));
            });
            worker.once("error", reject);
        }).catch(async (err: Error) => {
            await worker.terminate();
            throw err;
        });
        return new AckedWriter(worker, prefix);
    }

    private note(r: WriteRecord): void {
        if (r.setAt !== undefined) {
            this.noteTarget(r.i, r.target!);
            this.closeSpan();
            this.taken.push({ started: local(r.started), setAt: local(r.setAt), waitAt: r.waitAt && local(r.waitAt), acked: r.acked });
            if (r.acked === true) this.acked.push(`${this.prefix}${r.i}`);
            else if (r.acked === false) this.unacked++;
        }
        if (r.error !== undefined) {
            this.errors[r.error] = (this.errors[r.error] ?? 0) + 1;
            this.firstErrorAt ??= local(r.started);
            this.lastErrorAt = local(r.errorAt!);
            this.spanStart ??= local(r.started);
            this.spanEnd = this.lastErrorAt;
        }
    }

    /** The writes a node took that started after the stop (they are last, in order). */
    private takenAfterStop(): typeof this.taken {
        let first = this.taken.length;
        const after = Math.max(this.stoppedAtGiven, this.stopSetAt);
        while (first > 0 && this.taken[first - 1]!.started > after) first--;
        return this.taken.slice(first);
    }

    /** When the first write after the stop was taken. */
    get firstWriteAt(): number | undefined {
        return this.takenAfterStop()[0]?.setAt;
    }

    /** When the first write after the stop was acknowledged by a replica. */
    get firstAckAt(): number | undefined {
        return this.takenAfterStop().find((w) => w.acked)?.waitAt;
    }

    get ackedAfterStop(): number {
        return this.takenAfterStop().filter((w) => w.acked).length;
    }

    /** Waits until `done()` holds; on timeout, says what the writer saw. */
    async until(what: string, timeoutMs: number, done: () => boolean): Promise<void> {
        await pollUntil(what, timeoutMs, async () => done(), 10).catch((err: Error) => {
            const since = this.firstWriteAt === undefined ? "none succeeded" : "some succeeded";
            const seen = `writes since the stop: ${since}, ${this.unacked} not acknowledged; errors ${JSON.stringify(this.errors)}; writer ${this.status}`;
            throw new Error(`${err.message}: ${seen}`);
        });
    }

    /** From the start of the first failed write to the end of the last; 0 without failures. */
    get errorWindowMs(): number {
        return this.firstErrorAt === undefined ? 0 : Math.round(this.lastErrorAt! - this.firstErrorAt);
    }

    private noteTarget(i: number, at: string): void {
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
        this.worker.postMessage("stop");
        await this.done;
        await this.worker.terminate();
    }
}

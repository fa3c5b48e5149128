// Watches replicas from outside the component: polls each one's INFO replication every 5 ms
// through its published port and notes when master_link_status last turned up.
import type Redis from "ioredis";
import { performance } from "perf_hooks";
import { connect, parseInfo } from "../harness/redisClient";
import { sleep } from "./stats";

const POLL_MS = 5;

export class LinkObserver {
    private stopped = false;
    private readonly upSince = new Map<number, number | undefined>();
    private readonly loops: Promise<void>[];

    /** Starts polling the given host ports right away (connection failures are retried every 5 ms). */
    constructor(
        ports: number[],
        private readonly password: string,
        deadlineMs = 120_000,
    ) {
        const deadline = performance.now() + deadlineMs;
        this.loops = ports.map((port) => this.poll(port, deadline));
    }

    private async poll(port: number, deadline: number): Promise<void> {
        let client: Redis | undefined;
        this.upSince.set(port, undefined);
        while (!this.stopped && performance.now() < deadline) {
            try {
                client ??= await connect(port, this.password, { connectTimeout: 200 });
                const info = parseInfo(await client.info("replication"));
                const seenAt = performance.now();
                if (info.master_link_status === "up") {
                    if (this.upSince.get(port) === undefined) this.upSince.set(port, seenAt);
                } else {
                    this.upSince.set(port, undefined);
                }
            } catch {
                client?.disconnect();
                client = undefined;
            }
            await sleep(POLL_MS);
        }
        client?.disconnect();
    }

    /** Stops polling; returns when the last replica's link came up for good, or undefined if one never did. */
    async stop(): Promise<number | undefined> {
        this.stopped = true;
        await Promise.all(this.loops);
        const times = [...this.upSince.values()];
        if (times.some((t) => t === undefined)) return undefined;
        return Math.max(...(times as number[]));
    }
}

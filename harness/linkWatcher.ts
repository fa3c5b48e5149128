// Watches a master's replication links while the group changes, for the tests and the bench: a
// link drop is a replica seen with its link down, or one whose connection on the master is not
// the one it had at the start (it reconnected in between). Its connections are made once, so a
// password rotation under it changes nothing for them. Every loop is bounded by stop().
import type { Redis, RedisOptions } from "ioredis";
import { connect, parseInfo } from "./redisClient";

/** What the watch saw. */
export interface LinkReport {
    /** Replicas whose link dropped at least once. */
    drops: number;
    /** Full and partial resyncs the master served during the watch. */
    fullSyncs: number;
    partialSyncs: number;
    /** How often each replica's link was polled. */
    polls: number;
}

async function replicaIds(master: Redis): Promise<string[]> {
    const list = String(await master.call("CLIENT", "LIST", "TYPE", "replica"));
    return list
        .split("\n")
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined)
        .sort();
}

async function syncCounters(master: Redis): Promise<{ full: number; partial: number }> {
    const stats = parseInfo(String(await master.info("stats")));
    return { full: Number(stats.sync_full), partial: Number(stats.sync_partial_ok) + Number(stats.sync_partial_err) };
}

export class LinkWatcher {
    private watching = true;
    private readonly down = new Set<number>();
    private polls = 0;
    private readonly loop: Promise<void>;

    private constructor(
        private readonly master: Redis,
        private readonly replicas: { port: number; client: Redis }[],
        private readonly ids: string[],
        private readonly counters: { full: number; partial: number },
    ) {
        this.loop = this.run();
    }

    /**
     * Starts watching the master's links; every replica must be linked now. `options` say how to log
     * in (CLIENT LIST is an admin command: the group's admin user) and, for a TLS group, the TLS options.
     */
    static async start(
        masterPort: number,
        replicaPorts: number[],
        password: string | undefined,
        options: RedisOptions = {},
    ): Promise<LinkWatcher> {
        const login = options;
        const master = await connect(masterPort, password, login);
        const replicas = await Promise.all(replicaPorts.map(async (port) => ({ port, client: await connect(port, password, login) })));
        const ids = await replicaIds(master);
        if (ids.length !== replicaPorts.length)
            throw new Error(`the master has ${ids.length} replica links, expected ${replicaPorts.length}`);
        return new LinkWatcher(master, replicas, ids, await syncCounters(master));
    }

    private async run(): Promise<void> {
        while (this.watching) {
            for (const r of this.replicas) {
                const info = parseInfo(String(await r.client.info("replication").catch(() => "")));
                if (info.master_link_status !== "up") this.down.add(r.port);
            }
            this.polls++;
            await new Promise((res) => setTimeout(res, 10));
        }
    }

    async stop(): Promise<LinkReport> {
        this.watching = false;
        await this.loop;
        try {
            const ids = await replicaIds(this.master);
            const reconnected = this.ids.filter((id) => !ids.includes(id)).length;
            const now = await syncCounters(this.master);
            return {
                drops: Math.max(this.down.size, reconnected),
                fullSyncs: now.full - this.counters.full,
                partialSyncs: now.partial - this.counters.partial,
                polls: this.polls,
            };
        } finally {
            this.master.disconnect();
            for (const r of this.replicas) r.client.disconnect();
        }
    }
}

// Real redis-server processes, data nodes and sentinels, on 127.0.0.1 for the "redis" test tier: each in
// its own temp dir, on a port from 17000-17199, stopped (and its dir removed) by stopAll(), and
// killed at exit if a test run dies first.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Redis, RedisOptions } from "ioredis";
import { ADMIN_USER, adminUser, defaultUserRules, GroupCredentials, REPLICATION_USER, userLines } from "../../components/acl";
import { sentinelAuthLines } from "../../components/redisConf";
import { DEFAULT_DISABLED_COMMANDS } from "../../config";
import type { ReplicationCheckInputs } from "../../components/replicationCheck";
import { pollUntil } from "../../harness/poll";
import { clientOptions, parseInfo, slavesOf } from "../../harness/redisClient";

const PORT_MIN = 17000;
const PORT_MAX = 17199;
const HOST = "127.0.0.1";
/** Polling interval for local processes, which answer within a millisecond or two. */
export const LOCAL_POLL_MS = 5;

/** Absolute path of redis-server on PATH, or undefined. */
export function findRedisServer(): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, "redis-server");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // not here
        }
    }
    return undefined;
}

/**
 * For a `before` hook: the tier needs redis-server. With CI=true its absence is a failure;
 * elsewhere the suite is skipped with a one-line reason.
 */
export function requireRedisServer(ctx: Mocha.Context): string {
    const found = findRedisServer();
    if (found) {
        return found;
    }
    const reason = "redis-server is not on PATH (apt-get install redis-server)";
    if (process.env.CI === "true") {
        throw new Error(`redis tier: ${reason}; CI=true, so this is a failure, not a skip`);
    }
    console.log(`    skipping the redis tier: ${reason}`);
    ctx.skip();
}

export interface RedisNodeOptions {
    /** For messages. Default redis-<port>. */
    name?: string;
    /** requirepass and masterauth (a sentinel: requirepass only); with `creds`, the default user's password. */
    password?: string;
    /** The group's own users as the component renders them (components/acl.ts): replicas log in as the replication user, sentinels get the admin user. */
    creds?: GroupCredentials;
    /** Port of a master on 127.0.0.1 to replicate from. */
    replicaOf?: number;
    /** replica-read-only; default true. */
    readOnly?: boolean;
    /** Extra redis.conf lines. */
    extraConfig?: string[];
    /** Runs a sentinel (`--sentinel`) instead, with these sentinel.conf lines after port, dir, logfile and its password (as the component renders it). */
    sentinel?: string[];
}

export interface RedisNode {
    name: string;
    port: number;
    endpoint: string;
    dir: string;
    /** The config file it runs from; lines appended to it apply at the next restart(). */
    confFile: string;
    /** The password its clients (and restart()'s wait) use; a test that rotates it sets it anew. */
    password?: string;
    /** A client for test assertions, closed by stop() and stopAll(). */
    client(): Redis;
    /** Kills the process (SIGKILL if `hard`) and waits for it to exit. */
    stop(hard?: boolean): Promise<void>;
    /** Starts it again, on its port and from its config file; resolves when it answers PING. */
    restart(): Promise<void>;
    /** The last lines of its log, for failure messages. */
    logTail(lines?: number): string;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
    // Last resort when a run dies without its after hooks: no redis-server outlives the tests.
    for (const p of live) {
        p.kill("SIGKILL");
    }
});

/** Kills proc when the test process exits, should a run die before its after hooks. */
function killAtExit(proc: ChildProcess): void {
    live.add(proc);
    proc.once("exit", () => live.delete(proc));
}

function portIsFree(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const srv = net.createServer();
        srv.once("error", () => resolve(false));
        srv.listen(port, HOST, () => srv.close(() => resolve(true)));
    });
}

/** Hands out free ports on 127.0.0.1 from min-max, round-robin so a just-stopped node's port is not reused at once. */
function portAllocator(min: number, max: number): () => Promise<number> {
    let next = min;
    return async () => {
        for (let i = 0; i <= max - min; i++) {
            const port = next;
            next = next >= max ? min : next + 1;
            if (await portIsFree(port)) {
                return port;
            }
        }
        throw new Error(`no free port in ${min}-${max}`);
    };
}

const allocatePort = portAllocator(PORT_MIN, PORT_MAX);

/** Waits up to `ms` for proc to exit; false if it did not. */
function waitForExit(proc: ChildProcess, ms: number): Promise<boolean> {
    if (proc.exitCode !== null || proc.signalCode !== null) {
        return Promise.resolve(true);
    }
    return new Promise((resolve) => {
        const timer = setTimeout(() => {
            proc.off("exit", onExit);
            resolve(false);
        }, ms);
        const onExit = () => {
            clearTimeout(timer);
            resolve(true);
        };
        proc.once("exit", onExit);
    });
}

/** How the tier's clients talk: RESP2 without CLIENT SETINFO, 1 s to connect. */
const NODE_CLIENT: RedisOptions = { connectTimeout: 1000, protocol: 2, disableClientInfo: true };

/** A test's own client on 127.0.0.1:port, not yet connected: fails fast, never retries in the background. */
function nodeClient(port: number, password?: string): Redis {
    const c = new Redis(clientOptions(port, password, NODE_CLIENT));
    c.on("error", () => undefined);
    return c;
}

/**
 * Waits (5 s at most) until the process answers PING through `probe`, reconnecting it as needed,
 * then disconnects it. `exited` describes the process when it is gone.
 */
async function waitForPing(what: string, proc: ChildProcess, probe: Redis, exited: () => string): Promise<void> {
    try {
        await pollUntil(
            what,
            5000,
            async () => {
                if (proc.exitCode !== null) {
                    throw new Error(exited());
                }
                if (probe.status !== "ready") {
                    probe.disconnect();
                    await probe.connect().catch(() => undefined);
                }
                return probe.status === "ready" && (await probe.ping()) === "PONG";
            },
            LOCAL_POLL_MS,
        );
    } finally {
        probe.disconnect();
    }
}

/** Stops proc (SIGTERM, or SIGKILL if `hard`), with SIGKILL if it outlives 3 s. */
async function terminate(proc: ChildProcess, hard: boolean): Promise<void> {
    proc.kill(hard ? "SIGKILL" : "SIGTERM");
    if (!(await waitForExit(proc, 3000))) {
        proc.kill("SIGKILL");
        await waitForExit(proc, 3000);
    }
}

/** A data node's users and how it logs in to its master: the component's ACL users, or one password for all. */
function authLines(opts: RedisNodeOptions): string[] {
    if (opts.creds) {
        const rules = defaultUserRules({ disabledCommands: [...DEFAULT_DISABLED_COMMANDS] });
        return [...userLines(opts.password, rules, opts.creds), `masteruser ${REPLICATION_USER}`, `masterauth ${opts.creds.replication}`];
    }
    return opts.password ? [`requirepass ${opts.password}`, `masterauth ${opts.password}`] : [];
}

/** The config of a data node or, with opts.sentinel, of a sentinel. */
function renderConf(port: number, dir: string, logFile: string, opts: RedisNodeOptions): string[] {
    const common = [`port ${port}`, `bind ${HOST}`, "protected-mode yes", `dir ${dir}`, `logfile ${logFile}`, "daemonize no"];
    if (opts.sentinel) {
        const admin = opts.creds ? [`user ${ADMIN_USER} ${adminUser(opts.creds)}`] : [];
        return [...common, ...admin, ...(opts.password ? sentinelAuthLines(opts.password) : []), ...opts.sentinel];
    }
    return [
        ...common,
        'save ""',
        "appendonly no",
        "repl-diskless-sync yes",
        "repl-diskless-sync-delay 0",
        "shutdown-timeout 0",
        ...authLines(opts),
        ...(opts.replicaOf !== undefined ? [`replicaof ${HOST} ${opts.replicaOf}`] : []),
        `replica-read-only ${opts.readOnly === false ? "no" : "yes"}`,
        ...(opts.extraConfig ?? []),
    ];
}

/** Starts and stops redis-server processes, data nodes and sentinels; stopAll() in an after/afterEach hook. */
export class RedisFleet {
    private readonly nodes: { proc?: ChildProcess; dir: string; clients: Redis[] }[] = [];

    constructor(private readonly serverPath: string) {}

    async start(opts: RedisNodeOptions = {}): Promise<RedisNode> {
        // A port can be taken between the probe and the bind: retry a few times.
        let lastError: Error | undefined;
        for (let attempt = 0; attempt < 5; attempt++) {
            try {
                return await this.startOnce(await allocatePort(), opts);
            } catch (err) {
                lastError = err as Error;
                if (!/Address already in use/.test(lastError.message)) {
                    throw lastError;
                }
            }
        }
        throw lastError ?? new Error("could not start redis-server");
    }

    private async startOnce(port: number, opts: RedisNodeOptions): Promise<RedisNode> {
        const name = opts.name ?? `redis-${port}`;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-tier-"));
        const logFile = path.join(dir, "redis.log");
        const confFile = path.join(dir, opts.sentinel ? "sentinel.conf" : "redis.conf");
        fs.writeFileSync(confFile, renderConf(port, dir, logFile, opts).join("\n") + "\n");
        const entry: { proc?: ChildProcess; dir: string; clients: Redis[] } = { dir, clients: [] };
        this.nodes.push(entry);
        const logTail = (lines = 20): string => {
            try {
                return fs.readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
            } catch {
                return "(no log)";
            }
        };
        // The node's password as the test last set it (a rotation changes it).
        const client = (): Redis => {
            const c = nodeClient(port, node.password);
            entry.clients.push(c);
            return c;
        };
        // Ready when it answers PING (with auth).
        const launch = async (): Promise<void> => {
            const proc = spawn(this.serverPath, opts.sentinel ? [confFile, "--sentinel"] : [confFile], { stdio: "ignore" });
            killAtExit(proc);
            entry.proc = proc;
            await waitForPing(`${name} on ${port}`, proc, client(), () => `${name} exited (${proc.exitCode}): ${logTail(5)}`);
        };
        const stop = async (hard = false): Promise<void> => {
            for (const c of entry.clients.splice(0)) {
                c.disconnect();
            }
            if (entry.proc) {
                await terminate(entry.proc, hard);
            }
        };
        const node: RedisNode = {
            name,
            port,
            endpoint: `${HOST}:${port}`,
            dir,
            confFile,
            password: opts.password,
            client,
            stop,
            restart: launch,
            logTail,
        };
        try {
            await launch();
        } catch (err) {
            await stop(true);
            throw err;
        }
        return node;
    }

    /** Stops every process this fleet started and removes their dirs. */
    async stopAll(): Promise<void> {
        const nodes = this.nodes.splice(0);
        await Promise.all(
            nodes.map(async ({ proc, dir, clients }) => {
                for (const c of clients) {
                    c.disconnect();
                }
                if (proc) {
                    await terminate(proc, false);
                }
                fs.rmSync(dir, { recursive: true, force: true });
            }),
        );
    }
}

/** Reads INFO replication of a node as field -> value. */
export async function infoReplication(client: Redis): Promise<Record<string, string>> {
    return parseInfo(await client.info("replication"));
}

export interface Group {
    master: RedisNode;
    replicas: RedisNode[];
    password: string;
}

/**
 * A master and `replicas` replicas, all with the same password, waited on until every link is up.
 * With `warm` (default), also until a write is acknowledged by every replica: right after a full
 * sync, Redis 7.0 may hold a replica's command stream until that replica's next once-a-second
 * REPLCONF ACK, although INFO already says online and link up. A cold group shows that delay in
 * the check's probe; a warm one measures only the check.
 */
export async function startGroup(fleet: RedisFleet, replicas = 2, opts: { password?: string; warm?: boolean } = {}): Promise<Group> {
    const password = opts.password ?? "s3cret-Pa55";
    const master = await fleet.start({ password });
    const nodes = await Promise.all(Array.from({ length: replicas }, () => fleet.start({ password, replicaOf: master.port })));
    await waitLinked(master, replicas);
    if (opts.warm !== false && replicas > 0) {
        await waitStreaming(master, replicas);
    }
    return { master, replicas: nodes, password };
}

/** Waits until a write on the master is acknowledged by `n` replicas (WAIT), leaving no key behind. */
export async function waitStreaming(master: RedisNode, n: number, timeoutMs = 5000): Promise<void> {
    const c = master.client();
    try {
        await c.connect();
        await c.set("__test_warmup", "1", "PX", 10000);
        await pollUntil(
            `${n} replicas to acknowledge a write on ${master.endpoint}`,
            timeoutMs,
            async () => Number(await c.call("WAIT", String(n), "100")) >= n,
            LOCAL_POLL_MS,
        );
        await c.del("__test_warmup");
    } finally {
        c.disconnect();
    }
}

/** Waits until the master reports `n` online replicas. */
export async function waitLinked(master: RedisNode, n: number, timeoutMs = 10000): Promise<void> {
    const c = master.client();
    try {
        await c.connect();
        await pollUntil(
            `${n} online replicas on ${master.endpoint}`,
            timeoutMs,
            async () => {
                const info = await infoReplication(c);
                const online = slavesOf(info).filter((s) => s.state === "online").length;
                return Number(info.connected_slaves) === n && online === n;
            },
            LOCAL_POLL_MS,
        );
    } finally {
        c.disconnect();
    }
}

/** Check inputs for a test group: the master is followed at 127.0.0.1:<its port>. */
export function inputsFor(group: Group, overrides: Partial<ReplicationCheckInputs> = {}): ReplicationCheckInputs {
    return {
        masterContainer: "redis-test-master",
        masterEndpoint: group.master.endpoint,
        masterIp: "127.0.0.1",
        masterPort: group.master.port,
        replicas: group.replicas.map((r, i) => ({ name: `redis-test-replica-${i + 1}`, endpoint: r.endpoint, ip: "127.0.0.1" })),
        expectedReplicas: group.replicas.length,
        password: group.password,
        timeoutMs: 3000,
        containerIds: ["c-master", ...group.replicas.map((_, i) => `c-replica-${i + 1}`)],
        ...overrides,
    };
}

/** Runs f, returning how long it took (for the log: tests assert behaviour, not time) and what it returned or threw. */
export async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value?: T; error?: Error }> {
    const start = Date.now();
    try {
        const value = await f();
        return { ms: Date.now() - start, value };
    } catch (err) {
        return { ms: Date.now() - start, error: err as Error };
    }
}

/** What a node received since a counter started: connections accepted and INFO commands run. */
export interface NodeCounts {
    connections: number;
    info: number;
}

/**
 * Starts counting what the node receives (INFO stats and commandstats) and returns a function that
 * reads the counts so far. The counter's own connection and INFO calls are left out, so the counts
 * are what others sent: e.g. one poll of the check is one INFO.
 */
export async function countsOf(node: RedisNode): Promise<() => Promise<NodeCounts>> {
    const c = node.client();
    await c.connect();
    let reads = 0;
    const read = async (): Promise<NodeCounts> => {
        const info = await c.info("stats", "commandstats");
        const field = (re: RegExp) => Number(re.exec(info)?.[1] ?? 0);
        // A node counts an INFO once it has answered it: this read is not in its own numbers.
        const counts = {
            connections: field(/^total_connections_received:(\d+)/m),
            info: field(/^cmdstat_info:calls=(\d+)/m) - reads,
        };
        reads++;
        return counts;
    };
    const base = await read();
    return async () => {
        const now = await read();
        return { connections: now.connections - base.connections, info: now.info - base.info };
    };
}

/**
 * Every connection the replication check opened (client name pulumi-replication-check) is gone,
 * on each node still running; a node that refuses a connection was stopped on purpose.
 */
export async function assertNoCheckConnections(nodes: { client(): Redis; endpoint: string; name?: string }[]): Promise<void> {
    for (const node of nodes) {
        const c = node.client();
        try {
            await c.connect();
        } catch {
            continue; // stopped on purpose
        }
        try {
            await pollUntil(
                `the check's connections to ${node.name ?? node.endpoint} to close`,
                2000,
                async () => !String(await c.call("CLIENT", "LIST")).includes("name=pulumi-replication-check"),
                LOCAL_POLL_MS,
            );
        } finally {
            c.disconnect();
        }
    }
}

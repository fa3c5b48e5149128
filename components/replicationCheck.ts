import * as pulumi from "@pulumi/pulumi";
import type { Redis as RedisClient } from "ioredis";

/** One replica the check must find linked. */
export interface ReplicaTarget {
    /** Container name, for messages. */
    name: string;
    /** host:port where the check reaches the replica (its published port). */
    endpoint: string;
    /** The replica's static IP on the Docker network. */
    ip: string;
    /** The port it listens on inside its network. Default masterPort; only needed when nodes share an IP. */
    port?: number;
}

/** One sentinel the check must find agreeing on the group. */
export interface SentinelTarget {
    /** Container name, for messages. */
    name: string;
    /** host:port where the check reaches the sentinel (its published port). */
    endpoint: string;
    /** The sentinel's static IP: how the other sentinels list it. */
    ip: string;
    /** The port it listens on inside its network. Default 26379. */
    port?: number;
}

/** Arguments for the check's Sentinel part. */
export interface SentinelCheckArgs {
    /** The name the sentinels monitor the master under. */
    masterName: pulumi.Input<string>;
    /** The quorum every sentinel must report. */
    quorum: pulumi.Input<number>;
    /** Every sentinel of the group; each must see the master, the replicas and all the others. */
    sentinels: pulumi.Input<pulumi.Input<SentinelTarget>[]>;
}

/** The plain values of the check's Sentinel part. */
export interface SentinelCheck {
    masterName: string;
    quorum: number;
    sentinels: SentinelTarget[];
}

/** Arguments for a ReplicationCheck. */
export interface ReplicationCheckArgs {
    /** The master's container name, for messages. With sentinel: the node deployed as master. */
    masterName: pulumi.Input<string>;
    /** host:port where the check reaches the master, e.g. "127.0.0.1:6380". */
    masterEndpoint: pulumi.Input<string>;
    /** The master's static IP: what each replica's master_host must say. */
    masterIp: pulumi.Input<string>;
    /** The port the master listens on inside its network: what each replica's master_port must say. Default 6379. */
    masterPort?: pulumi.Input<number>;
    /** The replicas that must be linked to the master. With sentinel: the nodes deployed as replicas. */
    replicas: pulumi.Input<pulumi.Input<ReplicaTarget>[]>;
    /** How many replicas the master must report; must equal replicas.length. */
    expectedReplicas: pulumi.Input<number>;
    /** Sentinels to verify; then the master is whichever node they report, and every other node must be its replica. */
    sentinel?: pulumi.Input<SentinelCheckArgs>;
    /** requirepass of every node (and sentinel), made secret; undefined means auth is off. */
    password?: pulumi.Input<string>;
    /** How long to wait for the group to become healthy, in ms. Default 60000. */
    timeoutMs?: pulumi.Input<number>;
    /** First poll interval in ms, doubling up to max(this, 50). Default 10. */
    pollIntervalMs?: pulumi.Input<number>;
    /** Ids of the containers checked: a change re-runs the check. */
    containerIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** The plain values the provider's methods receive. */
export interface ReplicationCheckInputs {
    masterName: string;
    masterEndpoint: string;
    masterIp: string;
    masterPort?: number;
    replicas: ReplicaTarget[];
    expectedReplicas: number;
    sentinel?: SentinelCheck;
    password?: string;
    timeoutMs?: number;
    pollIntervalMs?: number;
    containerIds: string[];
}

/** What the check saw on one replica when it passed. */
export interface ReplicaStatus {
    name: string;
    endpoint: string;
    linkStatus: string;
    offset: number;
    lagBytes: number;
}

/** What one sentinel reported when the check passed. */
export interface SentinelStatus {
    name: string;
    endpoint: string;
    /** ip:port of the master, as the sentinel reports it. */
    master: string;
    numSlaves: number;
    numOtherSentinels: number;
    quorum: number;
}

/** What a passing check reports. */
export interface ReplicationCheckResult {
    masterReplId: string;
    durationMs: number;
    passedAt: string;
    /** Container name of the node that was master: with sentinel, the one the sentinels reported. */
    currentMaster: string;
    /** Its endpoint on the host. */
    currentMasterEndpoint: string;
    replicaStatus: ReplicaStatus[];
    /** Each sentinel's view; only with sentinel. */
    sentinelStatus?: SentinelStatus[];
}

/** State stored for a check: its inputs without the password, plus the result. */
export type ReplicationCheckOutputs = Omit<ReplicationCheckInputs, "password"> & ReplicationCheckResult;

// Everything below the class is serialized into state with the provider. These helpers capture
// nothing but each other and the constants here, and `require` their modules inside themselves.
// Module-level consts must not be exported: TypeScript would rewrite uses to `exports.X`,
// and the closure would then capture this whole module.

const PROBE_PREFIX = "__pulumi_replcheck:";
const CLIENT_NAME = "pulumi-replication-check";
const SENTINEL_DEFAULT_PORT = 26379;
/** Flags that mean a sentinel does not see an instance as healthy. */
const DOWN_FLAGS = ["s_down", "o_down", "disconnected"];
/** The engine's placeholder for a value not known yet (preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One fact seen on a node; a fatal one will not heal by waiting. */
export interface Fact {
    what: string;
    hint?: string;
    fatal?: boolean;
}

interface NodeState {
    role: "master" | "replica" | "sentinel";
    name: string;
    endpoint: string;
    host: string;
    port: number;
    /** ip:port on its network, as its peers and the sentinels know it. */
    address: string;
    client?: RedisClient;
    lastError?: Error;
    readOnlyConfirmed: boolean;
}

interface CheckContext {
    Redis: typeof import("ioredis").Redis;
    password?: string;
    opTimeout: number;
    clients: RedisClient[];
    masterIp: string;
    masterPort: number;
    expected: number;
    replicas: ReplicaTarget[];
    newKey: () => string;
    /** True when the sentinels, not the inputs, name the master. */
    viaSentinel: boolean;
}

/** Splits "host:port" (IPv6 hosts in brackets); undefined if malformed or the port is not 1-65535. */
export function parseEndpoint(endpoint: unknown): { host: string; port: number } | undefined {
    if (typeof endpoint !== "string") {
        return undefined;
    }
    const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(endpoint);
    if (!m || m[1] === undefined || m[2] === undefined) {
        return undefined;
    }
    const port = Number(m[2]);
    if (port < 1 || port > 65535) {
        return undefined;
    }
    return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

/** Parses INFO text into field -> value. */
export function parseInfo(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i > 0 && !line.startsWith("#")) {
            out[line.slice(0, i)] = line.slice(i + 1).trim();
        }
    }
    return out;
}

/** Parses a master's "slaveN" value: "ip=...,port=...,state=...,offset=...,lag=...". */
function parseSlaveLine(value: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of value.split(",")) {
        const i = part.indexOf("=");
        if (i > 0) {
            out[part.slice(0, i)] = part.slice(i + 1);
        }
    }
    return out;
}

function formatDuration(ms: number): string {
    if (ms < 1000) {
        return `${Math.round(ms)}ms`;
    }
    const s = ms / 1000;
    return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

function nodeLabel(node: NodeState): string {
    return `${node.role} ${node.name} (${node.endpoint})`;
}

/** One line per failing node: "<role> <name> (<endpoint>): <fact> after 60s; <fact>: <hint>". */
function renderFailures(failing: { node: NodeState; facts: Fact[] }[], timeoutMs: number | undefined): string {
    return failing
        .map(({ node, facts }) => {
            const parts = facts.map((f, i) => {
                const after = i === 0 && timeoutMs !== undefined ? ` after ${formatDuration(timeoutMs)}` : "";
                return `${f.what}${after}${f.hint ? `: ${f.hint}` : ""}`;
            });
            return `${nodeLabel(node)}: ${parts.join("; ")}`;
        })
        .join("\n");
}

/** Turns a connection or command error into a fact that says what to look at. */
function describeError(ctx: CheckContext, node: NodeState, err: unknown): Fact {
    const msg = errorMessage(err);
    const code = (err as { code?: string } | undefined)?.code;
    if (/^(WRONGPASS|NOAUTH)\b/.test(msg) || /invalid password/i.test(msg)) {
        return {
            what: `password mismatch (${msg})`,
            hint:
                ctx.password === undefined
                    ? "the node requires a password (requirepass) but the check was given none"
                    : "the password given to the check is not the node's requirepass",
            fatal: true,
        };
    }
    if (code === "ECONNREFUSED" || /ECONNREFUSED/.test(msg)) {
        return { what: "connection refused", hint: "is the container running and its port published?" };
    }
    if (code === "ETIMEDOUT" || /ETIMEDOUT/.test(msg)) {
        return {
            what: `no answer within ${formatDuration(ctx.opTimeout)} (connect timeout)`,
            hint: "is the container running and its port published to this host?",
        };
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
        return { what: `cannot resolve host ${node.host}`, hint: "check the endpoint" };
    }
    if (/^LOADING\b/.test(msg)) {
        return { what: "still loading its dataset (LOADING)" };
    }
    if (/Command timed out/i.test(msg)) {
        return { what: `no reply within ${formatDuration(ctx.opTimeout)}`, hint: "is the node stuck or overloaded?" };
    }
    if (/Connection is closed|ECONNRESET|EPIPE|Stream isn't writeable/.test(msg)) {
        return { what: `connection closed (${msg})`, hint: "is the container restarting?" };
    }
    return { what: msg };
}

/** Makes sure node.client is connected, replacing a dead client. Throws the real cause on failure. */
async function ensureConnected(ctx: CheckContext, node: NodeState): Promise<RedisClient> {
    if (node.client && node.client.status === "ready") {
        return node.client;
    }
    node.client?.disconnect();
    const client = new ctx.Redis({
        host: node.host,
        port: node.port,
        password: ctx.password,
        connectionName: CLIENT_NAME,
        lazyConnect: true,
        enableOfflineQueue: false,
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        autoResendUnfulfilledCommands: false,
        connectTimeout: ctx.opTimeout,
        commandTimeout: ctx.opTimeout,
        protocol: 2,
        disableClientInfo: true,
    });
    ctx.clients.push(client);
    node.client = client;
    node.lastError = undefined;
    client.on("error", (err: Error) => {
        node.lastError = err;
    });
    try {
        await client.connect();
    } catch (err) {
        // connect() rejects with "Connection is closed."; the cause came as an "error" event.
        throw node.lastError ?? err;
    }
    return client;
}

/**
 * Tells whether a replica refuses writes: INFO's slave_read_only, else CONFIG GET replica-read-only,
 * else (CONFIG renamed or denied) a write of a throwaway key that must fail with READONLY.
 * Returns true, or the fact to report.
 */
export async function verifyReadOnly(client: RedisClient, info: Record<string, string>, newKey: () => string): Promise<true | Fact> {
    const writable: Fact = { what: "accepts writes", hint: "replica-read-only is off; set replica-read-only yes", fatal: true };
    if (info.slave_read_only !== undefined) {
        return info.slave_read_only === "1" ? true : { ...writable, what: "accepts writes (slave_read_only:0)" };
    }
    try {
        const reply = await client.call("CONFIG", "GET", "replica-read-only");
        const value = Array.isArray(reply) ? reply[1] : undefined;
        if (value === "yes") {
            return true;
        }
        if (value === "no") {
            return { ...writable, what: "accepts writes (CONFIG GET replica-read-only = no)" };
        }
    } catch {
        // CONFIG renamed or denied: fall back to a write that must be refused.
    }
    const key = `${PROBE_PREFIX}rw:${newKey()}`;
    try {
        await client.set(key, "1", "PX", 1000);
    } catch (err) {
        const msg = errorMessage(err);
        if (/^READONLY\b/.test(msg)) {
            return true;
        }
        return { what: `could not tell whether it is read-only (${msg})` };
    }
    await client.del(key).catch(() => undefined);
    return { ...writable, what: "accepts writes (a test SET succeeded)" };
}

/** One poll of one node: connect if needed, INFO replication, judge. Never rejects. */
async function inspectNode(ctx: CheckContext, node: NodeState): Promise<{ node: NodeState; facts: Fact[] }> {
    try {
        const client = await ensureConnected(ctx, node);
        const info = parseInfo(await client.info("replication"));
        const facts = node.role === "master" ? judgeMaster(ctx, info) : await judgeReplica(ctx, node, client, info);
        return { node, facts };
    } catch (err) {
        return { node, facts: [describeError(ctx, node, err)] };
    }
}

function judgeMaster(ctx: CheckContext, info: Record<string, string>): Fact[] {
    if (info.role !== "master") {
        return [
            {
                what: `role=${info.role ?? "unknown"} (expected master)`,
                hint:
                    info.role !== "slave"
                        ? undefined
                        : ctx.viaSentinel
                          ? `the sentinels report it as master, but it follows ${info.master_host}:${info.master_port}; is a failover under way?`
                          : `it follows ${info.master_host}:${info.master_port}; masterEndpoint points at a replica`,
            },
        ];
    }
    const facts: Fact[] = [];
    const slaves = Object.keys(info)
        .filter((k) => /^slave\d+$/.test(k))
        .map((k) => parseSlaveLine(info[k] ?? ""));
    // Which of our replicas each slave line is: by IP, then by port when IPs are shared.
    const nameOf = (s: Record<string, string>): string | undefined => {
        const byIp = ctx.replicas.filter((r) => r.ip === s.ip);
        const hit = byIp.length === 1 ? byIp[0] : byIp.find((r) => (r.port ?? parseEndpoint(r.endpoint)?.port) === Number(s.port));
        return hit?.name;
    };
    const linked = new Set(slaves.map(nameOf).filter((n) => n !== undefined));
    const connected = Number(info.connected_slaves ?? slaves.length);
    if (connected !== ctx.expected) {
        const missing = ctx.replicas.filter((r) => !linked.has(r.name)).map((r) => r.name);
        facts.push({
            what: `connected_slaves=${connected} but ${ctx.expected} expected`,
            hint: missing.length > 0 ? `not linked: ${missing.join(", ")}` : undefined,
        });
    }
    for (const s of slaves) {
        if (s.state !== "online") {
            facts.push({ what: `${nameOf(s) ?? `${s.ip}:${s.port}`} state=${s.state} (not online yet)` });
        }
    }
    return facts;
}

async function judgeReplica(ctx: CheckContext, node: NodeState, client: RedisClient, info: Record<string, string>): Promise<Fact[]> {
    const want = `${ctx.masterIp}:${ctx.masterPort}`;
    if (info.role !== "slave") {
        return [{ what: `role=${info.role ?? "unknown"} (expected a replica of ${want})`, hint: "check its replicaof setting" }];
    }
    const facts: Fact[] = [];
    const host = info.master_host ?? "";
    const port = Number(info.master_port);
    const followsMaster = host === ctx.masterIp && port === ctx.masterPort;
    if (info.master_link_status !== "up") {
        facts.push({
            what: `master_link_status=${info.master_link_status ?? "unknown"}`,
            hint: followsMaster ? `it cannot sync from ${want}; see its log (masterauth, network)` : undefined,
        });
    }
    if (!followsMaster) {
        facts.push({
            what:
                port === ctx.masterPort
                    ? `master_host=${host} but the master is ${ctx.masterIp}`
                    : `master_host=${host}:${info.master_port} but the master is ${want}`,
        });
    }
    if (info.master_sync_in_progress !== undefined && info.master_sync_in_progress !== "0") {
        facts.push({ what: `master_sync_in_progress=${info.master_sync_in_progress}`, hint: "the initial sync is still running" });
    }
    if (!node.readOnlyConfirmed) {
        const ro = await verifyReadOnly(client, info, ctx.newKey);
        if (ro === true) {
            node.readOnlyConfirmed = true;
        } else {
            facts.push(ro);
        }
    }
    return facts;
}

/** Polls one replica until `done` holds; returns undefined, or what it saw last. */
async function pollReplica(
    ctx: CheckContext,
    node: NodeState,
    done: (client: RedisClient) => Promise<boolean>,
    deadline: number,
): Promise<string | undefined> {
    let interval = 2;
    let last = "";
    for (;;) {
        try {
            if (await done(await ensureConnected(ctx, node))) {
                return undefined;
            }
            last = "";
        } catch (err) {
            const f = describeError(ctx, node, err);
            last = ` (${f.what})`;
        }
        const now = Date.now();
        if (now >= deadline) {
            return last;
        }
        await sleep(Math.min(interval, deadline - now));
        interval = Math.min(50, interval * 2);
    }
}

/**
 * Writes a probe key with a TTL on the master, WAITs for every replica, reads it back on each,
 * deletes it and sees it gone everywhere. Throws one error naming the nodes that failed.
 */
async function probeReplication(ctx: CheckContext, master: NodeState, replicas: NodeState[], budgetMs: number): Promise<void> {
    const deadline = Date.now() + budgetMs;
    const key = `${PROBE_PREFIX}${ctx.newKey()}`;
    const value = ctx.newKey();
    const m = await ensureConnected(ctx, master).catch((err: unknown) => {
        throw new Error(renderFailures([{ node: master, facts: [describeError(ctx, master, err)] }], undefined));
    });
    let deleted = false;
    try {
        await m.set(key, value, "PX", 30000);
        const n = replicas.length;
        let acked = 0;
        // WAIT in short slices so no single command nears commandTimeout; bounded by the deadline.
        for (;;) {
            acked = Number(await m.call("WAIT", n, Math.max(1, Math.min(100, deadline - Date.now()))));
            if (acked >= n || Date.now() >= deadline) {
                break;
            }
        }
        if (acked < n) {
            throw new Error(
                renderFailures(
                    [
                        {
                            node: master,
                            facts: [
                                {
                                    what: `WAIT ${n} acknowledged by ${acked} replica(s) within ${formatDuration(budgetMs)}`,
                                    hint: "a replica is linked but does not apply writes",
                                },
                            ],
                        },
                    ],
                    undefined,
                ),
            );
        }
        await expectOnReplicas(
            ctx,
            replicas,
            deadline,
            async (c) => (await c.get(key)) === value,
            `probe key written on the master not seen within ${formatDuration(budgetMs)}`,
        );
        await m.del(key);
        deleted = true;
        await expectOnReplicas(
            ctx,
            replicas,
            deadline,
            async (c) => (await c.exists(key)) === 0,
            `probe key deleted on the master still present after ${formatDuration(budgetMs)}`,
        );
    } finally {
        if (!deleted && m.status === "ready") {
            await m.del(key).catch(() => undefined);
        }
    }
}

async function expectOnReplicas(
    ctx: CheckContext,
    replicas: NodeState[],
    deadline: number,
    done: (client: RedisClient) => Promise<boolean>,
    what: string,
): Promise<void> {
    const seen = await Promise.all(replicas.map((r) => pollReplica(ctx, r, done, deadline)));
    const failing = replicas
        .map((node, i) => ({ node, last: seen[i] }))
        .filter((x) => x.last !== undefined)
        .map((x) => ({ node: x.node, facts: [{ what: `${what}${x.last}` }] }));
    if (failing.length > 0) {
        throw new Error(renderFailures(failing, undefined));
    }
}

/** A flat [key, value, key, value, ...] reply as an object. */
function pairs(reply: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(reply)) {
        for (let i = 0; i + 1 < reply.length; i += 2) {
            out[String(reply[i])] = String(reply[i + 1]);
        }
    }
    return out;
}

/** What one sentinel said in one poll; `facts` set when it could not be asked. */
interface SentinelView {
    node: NodeState;
    facts?: Fact[];
    /** ip:port of the master it reports. */
    masterAddr?: string;
    master?: Record<string, string>;
    replicas?: Record<string, string>[];
    sentinels?: Record<string, string>[];
    ckquorum?: { ok: boolean; text: string };
}

/** One poll of one sentinel: what it says about the monitored master. Never rejects. */
async function querySentinel(ctx: CheckContext, node: NodeState, name: string): Promise<SentinelView> {
    try {
        const c = await ensureConnected(ctx, node);
        const addr = await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name);
        if (!Array.isArray(addr) || addr.length < 2) {
            return {
                node,
                facts: [
                    {
                        what: `does not monitor ${name} (SENTINEL GET-MASTER-ADDR-BY-NAME returned nothing)`,
                        hint: `its sentinel.conf needs "sentinel monitor ${name} ..."; check sentinel.masterName`,
                        fatal: true,
                    },
                ],
            };
        }
        const [master, replicas, sentinels, ckquorum] = await Promise.all([
            c.call("SENTINEL", "MASTER", name),
            c.call("SENTINEL", "REPLICAS", name),
            c.call("SENTINEL", "SENTINELS", name),
            // NOQUORUM comes back as an error reply: a finding, not a broken connection.
            c.call("SENTINEL", "CKQUORUM", name).then(
                (r) => ({ ok: true, text: String(r) }),
                (err: unknown) => {
                    if ((err as Error | undefined)?.name === "ReplyError") {
                        return { ok: false, text: errorMessage(err) };
                    }
                    throw err;
                },
            ),
        ]);
        return {
            node,
            masterAddr: `${String(addr[0])}:${String(addr[1])}`,
            master: pairs(master),
            replicas: Array.isArray(replicas) ? replicas.map(pairs) : [],
            sentinels: Array.isArray(sentinels) ? sentinels.map(pairs) : [],
            ckquorum,
        };
    } catch (err) {
        return { node, facts: [describeError(ctx, node, err)] };
    }
}

/**
 * The master as most sentinels report it (ties: the current one, then the first seen), and facts
 * for sentinels that report another address or one that is none of the group's nodes.
 */
function chooseMaster(
    views: SentinelView[],
    dataNodes: NodeState[],
    current: NodeState,
): { master?: NodeState; facts: Map<NodeState, Fact[]> } {
    const facts = new Map<NodeState, Fact[]>();
    const add = (node: NodeState, fact: Fact): void => {
        facts.set(node, [...(facts.get(node) ?? []), fact]);
    };
    const votes = new Map<string, number>();
    for (const v of views) {
        if (v.masterAddr !== undefined) {
            votes.set(v.masterAddr, (votes.get(v.masterAddr) ?? 0) + 1);
        }
    }
    let chosen: string | undefined;
    for (const [addr, n] of votes) {
        const best = chosen === undefined ? 0 : (votes.get(chosen) ?? 0);
        if (n > best || (n === best && addr === current.address)) {
            chosen = addr;
        }
    }
    const known = (addr: string): NodeState | undefined => dataNodes.find((d) => d.address === addr);
    const label = (addr: string): string => {
        const node = known(addr);
        return node ? `${addr} (${node.name})` : addr;
    };
    for (const v of views) {
        if (v.masterAddr === undefined) {
            continue;
        }
        if (!known(v.masterAddr)) {
            add(v.node, {
                what: `reports master ${v.masterAddr}, which is none of the group's nodes (${dataNodes.map((d) => `${d.address} ${d.name}`).join(", ")})`,
                hint: "it monitors another master under this name",
                fatal: true,
            });
        } else if (chosen !== undefined && v.masterAddr !== chosen) {
            add(v.node, {
                what: `reports master ${label(v.masterAddr)} but ${votes.get(chosen)} of ${views.length} sentinels report ${label(chosen)}`,
                hint: "a failover may be under way",
            });
        }
    }
    return { master: chosen === undefined ? undefined : known(chosen), facts };
}

/** Judges one sentinel's view against the group as it is now: master, replicas and the other sentinels. */
function judgeSentinel(view: SentinelView, want: SentinelCheck, master: NodeState, replicas: NodeState[], sentinels: NodeState[]): Fact[] {
    if (view.facts) {
        return view.facts;
    }
    const facts: Fact[] = [];
    const m = view.master ?? {};
    const flags = (m.flags ?? "").split(",").filter((f) => f !== "");
    const down = flags.filter((f) => DOWN_FLAGS.includes(f) || f.startsWith("failover"));
    if (!flags.includes("master") || down.length > 0) {
        facts.push({
            what: `flags=${flags.join(",") || "none"} for ${want.masterName} (expected master without ${DOWN_FLAGS.join("/")})`,
            hint: down.some((f) => f.startsWith("failover")) ? "a failover is under way" : `it cannot reach ${m.ip}:${m.port}`,
        });
    }
    const quorum = Number(m.quorum);
    if (m.quorum !== undefined && quorum !== want.quorum) {
        facts.push({ what: `quorum=${m.quorum} but ${want.quorum} expected`, hint: "its sentinel.conf has another quorum", fatal: true });
    }
    const listed = (entries: Record<string, string>[] | undefined): Map<string, Record<string, string>> =>
        new Map((entries ?? []).map((e) => [`${e.ip}:${e.port}`, e]));

    // Replicas: each of the group's must be listed and not down; strangers are named.
    const seenReplicas = listed(view.replicas);
    const numSlaves = Number(m["num-slaves"] ?? seenReplicas.size);
    const missing = replicas.filter((r) => !seenReplicas.has(r.address));
    const strangers = [...seenReplicas.keys()].filter((a) => !replicas.some((r) => r.address === a));
    if (numSlaves !== replicas.length || missing.length > 0) {
        const parts = [
            missing.length > 0 ? `not listed: ${missing.map((r) => `${r.name} (${r.address})`).join(", ")}` : "",
            strangers.length > 0 ? `also lists ${strangers.join(", ")}` : "",
        ].filter((p) => p !== "");
        facts.push({
            what: `num-slaves=${numSlaves} but ${replicas.length} expected${parts.length > 0 ? ` (${parts.join("; ")})` : ""}`,
            hint: "a sentinel learns replicas from the master's INFO, refreshed every 10 s",
        });
    }
    for (const r of replicas) {
        const e = seenReplicas.get(r.address);
        const rflags = (e?.flags ?? "").split(",");
        if (e && (!rflags.includes("slave") || rflags.some((f) => DOWN_FLAGS.includes(f)))) {
            facts.push({ what: `sees replica ${r.name} (${r.address}) with flags=${e.flags}` });
        }
    }

    // The other sentinels: each must be listed and not down.
    const others = sentinels.filter((s) => s !== view.node);
    const seenSentinels = listed(view.sentinels);
    const numOthers = Number(m["num-other-sentinels"] ?? seenSentinels.size);
    const unseen = others.filter((s) => !seenSentinels.has(s.address));
    if (numOthers !== others.length || unseen.length > 0) {
        facts.push({
            what: `num-other-sentinels=${numOthers} but ${others.length} expected${
                unseen.length > 0 ? ` (not seen: ${unseen.map((s) => `${s.name} (${s.address})`).join(", ")})` : ""
            }`,
            hint: "sentinels find each other by hello messages through the master, every 2 s",
        });
    }
    for (const s of others) {
        const e = seenSentinels.get(s.address);
        if (e && (e.flags ?? "").split(",").some((f) => DOWN_FLAGS.includes(f))) {
            facts.push({ what: `sees sentinel ${s.name} (${s.address}) with flags=${e.flags}` });
        }
    }
    if (view.ckquorum && !view.ckquorum.ok) {
        facts.push({ what: `SENTINEL CKQUORUM ${want.masterName}: ${view.ckquorum.text}` });
    }
    return facts;
}

/** Makes `master` the master and every other data node its replica, as the judges expect. */
function setTopology(ctx: CheckContext, master: NodeState, dataNodes: NodeState[], targets: Map<NodeState, ReplicaTarget>): NodeState[] {
    const replicas = dataNodes.filter((n) => n !== master);
    for (const n of dataNodes) {
        const role = n === master ? "master" : "replica";
        if (n.role !== role) {
            n.role = role;
            n.readOnlyConfirmed = false;
        }
    }
    const i = master.address.lastIndexOf(":");
    ctx.masterIp = master.address.slice(0, i);
    ctx.masterPort = Number(master.address.slice(i + 1));
    ctx.replicas = replicas.map((r) => targets.get(r)!);
    ctx.expected = replicas.length;
    return replicas;
}

/** The whole check. Every connection it opens is closed before it returns or throws. */
async function verifyReplication(inputs: ReplicationCheckInputs): Promise<ReplicationCheckResult> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis } = require("ioredis") as typeof import("ioredis");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("crypto") as typeof import("crypto");
    const started = Date.now();
    const timeoutMs = inputs.timeoutMs ?? 60000;
    const deadline = started + timeoutMs;
    const firstInterval = Math.max(1, inputs.pollIntervalMs ?? 10);
    const maxInterval = Math.max(firstInterval, 50);
    const masterPort = inputs.masterPort ?? 6379;
    const sentinel = inputs.sentinel ?? undefined;
    const ctx: CheckContext = {
        Redis,
        password: inputs.password ?? undefined,
        opTimeout: Math.min(2000, Math.max(500, timeoutMs)),
        clients: [],
        masterIp: inputs.masterIp,
        masterPort,
        expected: inputs.expectedReplicas,
        replicas: inputs.replicas,
        newKey: () => crypto.randomUUID(),
        viaSentinel: sentinel !== undefined,
    };
    const makeNode = (role: NodeState["role"], target: { name: string; endpoint: string; ip: string }, innerPort: number): NodeState => {
        const ep = parseEndpoint(target.endpoint);
        if (!ep) {
            throw new Error(`${role} ${target.name}: endpoint ${target.endpoint} is not host:port`);
        }
        return {
            role,
            name: target.name,
            endpoint: target.endpoint,
            host: ep.host,
            port: ep.port,
            address: `${target.ip}:${innerPort}`,
            readOnlyConfirmed: false,
        };
    };
    const targets = new Map<NodeState, ReplicaTarget>();
    let master = makeNode("master", { name: inputs.masterName, endpoint: inputs.masterEndpoint, ip: inputs.masterIp }, masterPort);
    targets.set(master, { name: master.name, endpoint: master.endpoint, ip: inputs.masterIp, port: masterPort });
    let replicas = inputs.replicas.map((r) => {
        const node = makeNode("replica", r, r.port ?? masterPort);
        targets.set(node, r);
        return node;
    });
    const dataNodes = [master, ...replicas];
    const sentinels = (sentinel?.sentinels ?? []).map((s) => makeNode("sentinel", s, s.port ?? SENTINEL_DEFAULT_PORT));
    let views: SentinelView[] = [];
    try {
        // 1. Poll every node (and sentinel) in parallel until all conditions hold; bounded by the deadline.
        let interval = firstInterval;
        for (;;) {
            const sentinelResults: { node: NodeState; facts: Fact[] }[] = [];
            if (sentinel) {
                // The sentinels name the master; the data nodes are then judged against it.
                views = await Promise.all(sentinels.map((s) => querySentinel(ctx, s, sentinel.masterName)));
                const pick = chooseMaster(views, dataNodes, master);
                if (pick.master) {
                    master = pick.master;
                    replicas = setTopology(ctx, master, dataNodes, targets);
                }
                for (const v of views) {
                    const facts = [...(pick.facts.get(v.node) ?? []), ...judgeSentinel(v, sentinel, master, replicas, sentinels)];
                    sentinelResults.push({ node: v.node, facts });
                }
            }
            const results = await Promise.all([master, ...replicas].map((n) => inspectNode(ctx, n)));
            const failing = [...results, ...sentinelResults].filter((r) => r.facts.length > 0);
            if (failing.length === 0) {
                break;
            }
            if (failing.some((r) => r.facts.some((f) => f.fatal))) {
                throw new Error(renderFailures(failing, undefined));
            }
            const now = Date.now();
            if (now >= deadline) {
                throw new Error(renderFailures(failing, timeoutMs));
            }
            await sleep(Math.min(interval, deadline - now));
            interval = Math.min(maxInterval, interval * 2);
        }
        // 2. A write must reach every replica. It gets at least 5 s even if the wait used the timeout up.
        await probeReplication(ctx, master, replicas, Math.max(deadline - Date.now(), Math.min(timeoutMs, 5000)));
        // 3. Report offsets as they are now.
        const nodes = [master, ...replicas];
        const infos = await Promise.all(
            nodes.map(async (n) => {
                try {
                    return parseInfo(await (await ensureConnected(ctx, n)).info("replication"));
                } catch (err) {
                    throw new Error(renderFailures([{ node: n, facts: [describeError(ctx, n, err)] }], undefined));
                }
            }),
        );
        const masterInfo = infos[0] ?? {};
        const masterOffset = Number(masterInfo.master_repl_offset ?? 0);
        const replicaStatus: ReplicaStatus[] = replicas.map((r, i) => {
            const info = infos[i + 1] ?? {};
            const offset = Number(info.slave_repl_offset ?? 0);
            return {
                name: r.name,
                endpoint: r.endpoint,
                linkStatus: info.master_link_status ?? "unknown",
                offset,
                lagBytes: Math.max(0, masterOffset - offset),
            };
        });
        const result: ReplicationCheckResult = {
            masterReplId: masterInfo.master_replid ?? "",
            durationMs: Date.now() - started,
            passedAt: new Date().toISOString(),
            currentMaster: master.name,
            currentMasterEndpoint: master.endpoint,
            replicaStatus,
        };
        if (sentinel) {
            result.sentinelStatus = views.map((v) => ({
                name: v.node.name,
                endpoint: v.node.endpoint,
                master: v.masterAddr ?? "",
                numSlaves: Number(v.master?.["num-slaves"]),
                numOtherSentinels: Number(v.master?.["num-other-sentinels"]),
                quorum: Number(v.master?.quorum),
            }));
        }
        return result;
    } finally {
        for (const c of ctx.clients) {
            c.disconnect();
        }
    }
}

/** check(): shape problems, named by property. Values not known yet (preview) are skipped. */
export function validateInputs(news: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const net = require("net") as typeof import("net");
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const known = (v: unknown): boolean => v !== UNKNOWN;
    const fail = (property: string, reason: string): void => {
        failures.push({ property, reason });
    };
    const nonEmpty = (property: string, v: unknown): void => {
        if (known(v) && (typeof v !== "string" || v.trim() === "")) {
            fail(property, `must be a non-empty string, got ${JSON.stringify(v)}`);
        }
    };
    const endpoint = (property: string, v: unknown): void => {
        if (known(v) && !parseEndpoint(v)) {
            fail(property, `${JSON.stringify(v)} is not host:port with a port from 1 to 65535`);
        }
    };
    const ip = (property: string, v: unknown): void => {
        if (known(v) && (typeof v !== "string" || net.isIP(v) === 0)) {
            fail(property, `${JSON.stringify(v)} is not an IP address`);
        }
    };
    const positive = (property: string, v: unknown): void => {
        if (v !== undefined && known(v) && !(typeof v === "number" && Number.isFinite(v) && v > 0)) {
            fail(property, `must be a positive number of milliseconds, got ${JSON.stringify(v)}`);
        }
    };
    const isPort = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535;
    const port = (property: string, v: unknown): void => {
        if (v !== undefined && known(v) && !isPort(v)) {
            fail(property, `${JSON.stringify(v)} is not a port from 1 to 65535`);
        }
    };
    // Endpoints must differ across nodes and sentinels.
    const seen = new Map<string, string>();
    const uniqueEndpoint = (property: string, v: unknown): void => {
        if (typeof v === "string" && known(v)) {
            const other = seen.get(v);
            if (other !== undefined) {
                fail(property, `${v} is also ${other}`);
            } else {
                seen.set(v, property);
            }
        }
    };
    /** Name, endpoint, IP and optional port of a replica or sentinel. */
    const target = (at: string, r: unknown): Record<string, unknown> | undefined => {
        if (!known(r)) {
            return undefined;
        }
        if (typeof r !== "object" || r === null) {
            fail(at, "must be an object with name, endpoint and ip");
            return undefined;
        }
        const t = r as Record<string, unknown>;
        nonEmpty(`${at}.name`, t.name);
        endpoint(`${at}.endpoint`, t.endpoint);
        ip(`${at}.ip`, t.ip);
        port(`${at}.port`, t.port);
        uniqueEndpoint(`${at}.endpoint`, t.endpoint);
        return t;
    };

    nonEmpty("masterName", news.masterName);
    endpoint("masterEndpoint", news.masterEndpoint);
    ip("masterIp", news.masterIp);
    port("masterPort", news.masterPort);
    positive("timeoutMs", news.timeoutMs);
    positive("pollIntervalMs", news.pollIntervalMs);
    if (news.password !== undefined && known(news.password) && typeof news.password !== "string") {
        fail("password", "must be a string");
    }
    const ids = news.containerIds;
    if (known(ids) && (!Array.isArray(ids) || ids.some((id) => known(id) && typeof id !== "string"))) {
        fail("containerIds", "must be a list of container ids");
    }

    const expected = news.expectedReplicas;
    if (known(expected) && !(typeof expected === "number" && Number.isInteger(expected) && expected >= 1)) {
        fail("expectedReplicas", `must be a whole number of at least 1, got ${JSON.stringify(expected)}`);
    }
    const replicas = news.replicas;
    uniqueEndpoint("masterEndpoint", news.masterEndpoint);
    // With sentinel, each data node's ip:port must be its own: it is how the sentinels name the master.
    const addresses = new Map<string, string>();
    const masterPort = isPort(news.masterPort) ? news.masterPort : 6379;
    if (typeof news.masterIp === "string") {
        addresses.set(`${news.masterIp}:${masterPort}`, "masterIp:masterPort");
    }
    if (known(replicas)) {
        if (!Array.isArray(replicas) || replicas.length === 0) {
            fail("replicas", "at least one replica is required");
        } else {
            if (typeof expected === "number" && replicas.length !== expected) {
                fail("replicas", `${replicas.length} replicas given but expectedReplicas is ${expected}`);
            }
            replicas.forEach((r: unknown, i) => {
                const t = target(`replicas[${i}]`, r);
                if (t && typeof t.ip === "string" && known(t.ip)) {
                    const addr = `${t.ip}:${isPort(t.port) ? t.port : masterPort}`;
                    const other = addresses.get(addr);
                    if (other !== undefined && news.sentinel !== undefined && news.sentinel !== null) {
                        fail(`replicas[${i}].ip`, `${addr} is also the address of ${other}: the sentinels could not tell them apart`);
                    }
                    addresses.set(addr, `replicas[${i}]`);
                }
            });
        }
    }

    const sentinel = news.sentinel;
    if (sentinel === undefined || sentinel === null || !known(sentinel)) {
        return failures;
    }
    if (typeof sentinel !== "object" || Array.isArray(sentinel)) {
        fail("sentinel", "must be an object with masterName, quorum and sentinels");
        return failures;
    }
    const sc = sentinel as Record<string, unknown>;
    nonEmpty("sentinel.masterName", sc.masterName);
    if (typeof sc.masterName === "string" && known(sc.masterName) && /\s/.test(sc.masterName)) {
        fail("sentinel.masterName", `${JSON.stringify(sc.masterName)} must not contain whitespace`);
    }
    const list = sc.sentinels;
    const quorum = sc.quorum;
    if (known(quorum) && !(typeof quorum === "number" && Number.isInteger(quorum) && quorum >= 1)) {
        fail("sentinel.quorum", `must be a whole number of at least 1, got ${JSON.stringify(quorum)}`);
    } else if (typeof quorum === "number" && Array.isArray(list) && list.length > 0 && quorum > list.length) {
        fail("sentinel.quorum", `${quorum} is more than the ${list.length} sentinels`);
    }
    if (known(list)) {
        if (!Array.isArray(list) || list.length === 0) {
            fail("sentinel.sentinels", "at least one sentinel is required");
        } else {
            list.forEach((s: unknown, i) => target(`sentinel.sentinels[${i}]`, s));
        }
    }
    return failures;
}

/** diff(): true when anything that decides what is checked changed. Timeouts, names of the master and the password do not. */
export function inputsChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    // Replicas and sentinels by name, endpoint, IP and port; ports default as the check defaults them.
    const targets = (list: unknown, defaultPort: number | undefined): unknown =>
        Array.isArray(list)
            ? list.map((r: unknown) => {
                  const t = (r ?? {}) as Record<string, unknown>;
                  return typeof r === "object" ? [t.name, t.endpoint, t.ip, t.port ?? defaultPort ?? null] : r;
              })
            : list;
    const sentinelOf = (s: unknown): unknown => {
        if (s === undefined || s === null) {
            return null;
        }
        const t = s as Record<string, unknown>;
        return typeof s === "object" ? [t.masterName, t.quorum, targets(t.sentinels, SENTINEL_DEFAULT_PORT)] : s;
    };
    const norm = (v: Record<string, unknown>): string =>
        JSON.stringify([
            v.masterEndpoint,
            v.masterIp,
            v.masterPort ?? 6379,
            v.expectedReplicas,
            targets(v.replicas, undefined),
            Array.isArray(v.containerIds) ? [...v.containerIds] : v.containerIds,
            sentinelOf(v.sentinel),
        ]);
    return norm(olds) !== norm(news);
}

function toOutputs(inputs: ReplicationCheckInputs, result: ReplicationCheckResult): ReplicationCheckOutputs {
    // The password never goes into the outputs.
    const { password: _password, ...rest } = inputs;
    void _password;
    return { ...rest, ...result };
}

/** The dynamic provider. Exported so tests can call and serialize it. */
export const replicationCheckProvider: pulumi.dynamic.ResourceProvider<ReplicationCheckInputs, ReplicationCheckOutputs> = {
    async check(_olds, news) {
        const failures = validateInputs(news as unknown as Record<string, unknown>);
        return failures.length > 0 ? { inputs: news, failures } : { inputs: news };
    },
    async diff(_id, olds, news) {
        const changes = inputsChanged(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const crypto = require("crypto") as typeof import("crypto");
        const result = await verifyReplication(inputs);
        return { id: `replcheck-${crypto.randomUUID()}`, outs: toOutputs(inputs, result) };
    },
    async update(_id, _olds, news) {
        const result = await verifyReplication(news);
        return { outs: toOutputs(news, result) };
    },
    async delete() {
        // Nothing to undo: the check only reads (and removes its own probe key).
    },
};

/**
 * Verifies that a master and its replicas replicate: every replica linked, read-only and following
 * the right master, and a probe write seen on all of them. With `sentinel`, also that every sentinel
 * sees the master up, the replicas and the other sentinels, and can reach its quorum; the master is
 * then whichever node the sentinels report, so a check after a failover verifies the group as it is.
 * Re-runs when an endpoint, an expected IP, the replica or sentinel list or a container id changes.
 */
export class ReplicationCheck extends pulumi.dynamic.Resource {
    /** master_replid of the master when the check passed. */
    declare readonly masterReplId: pulumi.Output<string>;
    /** How long the check took, in ms. */
    declare readonly durationMs: pulumi.Output<number>;
    /** When the check passed (ISO time). */
    declare readonly passedAt: pulumi.Output<string>;
    /** Link status, offset and lag of each replica when the check passed. */
    declare readonly replicaStatus: pulumi.Output<ReplicaStatus[]>;
    /** Container name of the master when the check passed (with sentinel: as the sentinels reported it). */
    declare readonly currentMaster: pulumi.Output<string>;
    /** Host endpoint of that master. */
    declare readonly currentMasterEndpoint: pulumi.Output<string>;
    /** What each sentinel reported; undefined without sentinel. */
    declare readonly sentinelStatus: pulumi.Output<SentinelStatus[] | undefined>;

    constructor(name: string, args: ReplicationCheckArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            masterReplId: undefined,
            durationMs: undefined,
            passedAt: undefined,
            replicaStatus: undefined,
            currentMaster: undefined,
            currentMasterEndpoint: undefined,
            sentinelStatus: undefined,
            ...args,
            password: args.password === undefined ? undefined : pulumi.secret(args.password),
        };
        const secretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), "password"])];
        super(replicationCheckProvider, name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "redis", "ReplicationCheck");
    }
}

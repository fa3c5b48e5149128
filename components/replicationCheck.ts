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
}

/** Arguments for a ReplicationCheck. */
export interface ReplicationCheckArgs {
    /** The master's container name, for messages. */
    masterName: pulumi.Input<string>;
    /** host:port where the check reaches the master, e.g. "127.0.0.1:6380". */
    masterEndpoint: pulumi.Input<string>;
    /** The master's static IP: what each replica's master_host must say. */
    masterIp: pulumi.Input<string>;
    /** The port the master listens on inside its network: what each replica's master_port must say. Default 6379. */
    masterPort?: pulumi.Input<number>;
    /** The replicas that must be linked to the master. */
    replicas: pulumi.Input<pulumi.Input<ReplicaTarget>[]>;
    /** How many replicas the master must report; must equal replicas.length. */
    expectedReplicas: pulumi.Input<number>;
    /** requirepass of every node, made secret; undefined means auth is off. */
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

/** What a passing check reports. */
export interface ReplicationCheckResult {
    masterReplId: string;
    durationMs: number;
    passedAt: string;
    replicaStatus: ReplicaStatus[];
}

/** State stored for a check: its inputs without the password, plus the result. */
export type ReplicationCheckOutputs = Omit<ReplicationCheckInputs, "password"> & ReplicationCheckResult;

// Everything below the class is serialized into state with the provider. These helpers capture
// nothing but each other and the constants here, and `require` their modules inside themselves.
// Module-level consts must not be exported: TypeScript would rewrite uses to `exports.X`,
// and the closure would then capture this whole module.

const PROBE_PREFIX = "__pulumi_replcheck:";
const CLIENT_NAME = "pulumi-replication-check";
/** The engine's placeholder for a value not known yet (preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One fact seen on a node; a fatal one will not heal by waiting. */
export interface Fact {
    what: string;
    hint?: string;
    fatal?: boolean;
}

interface NodeState {
    role: "master" | "replica";
    name: string;
    endpoint: string;
    host: string;
    port: number;
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
                    info.role === "slave"
                        ? `it follows ${info.master_host}:${info.master_port}; masterEndpoint points at a replica`
                        : undefined,
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
        const hit = byIp.length === 1 ? byIp[0] : byIp.find((r) => parseEndpoint(r.endpoint)?.port === Number(s.port));
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
    const ctx: CheckContext = {
        Redis,
        password: inputs.password ?? undefined,
        opTimeout: Math.min(2000, Math.max(500, timeoutMs)),
        clients: [],
        masterIp: inputs.masterIp,
        masterPort: inputs.masterPort ?? 6379,
        expected: inputs.expectedReplicas,
        replicas: inputs.replicas,
        newKey: () => crypto.randomUUID(),
    };
    const makeNode = (role: "master" | "replica", name: string, endpoint: string): NodeState => {
        const ep = parseEndpoint(endpoint);
        if (!ep) {
            throw new Error(`${role} ${name}: endpoint ${endpoint} is not host:port`);
        }
        return { role, name, endpoint, host: ep.host, port: ep.port, readOnlyConfirmed: false };
    };
    const master = makeNode("master", inputs.masterName, inputs.masterEndpoint);
    const replicas = inputs.replicas.map((r) => makeNode("replica", r.name, r.endpoint));
    const nodes = [master, ...replicas];
    try {
        // 1. Poll every node in parallel until all conditions hold; bounded by the deadline.
        let interval = firstInterval;
        for (;;) {
            const results = await Promise.all(nodes.map((n) => inspectNode(ctx, n)));
            const failing = results.filter((r) => r.facts.length > 0);
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
        return {
            masterReplId: masterInfo.master_replid ?? "",
            durationMs: Date.now() - started,
            passedAt: new Date().toISOString(),
            replicaStatus,
        };
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

    nonEmpty("masterName", news.masterName);
    endpoint("masterEndpoint", news.masterEndpoint);
    ip("masterIp", news.masterIp);
    const mp = news.masterPort;
    if (mp !== undefined && known(mp) && !(typeof mp === "number" && Number.isInteger(mp) && mp >= 1 && mp <= 65535)) {
        fail("masterPort", `${JSON.stringify(mp)} is not a port from 1 to 65535`);
    }
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
    if (!known(replicas)) {
        return failures;
    }
    if (!Array.isArray(replicas) || replicas.length === 0) {
        fail("replicas", "at least one replica is required");
        return failures;
    }
    if (typeof expected === "number" && replicas.length !== expected) {
        fail("replicas", `${replicas.length} replicas given but expectedReplicas is ${expected}`);
    }
    const seen = new Map<string, string>();
    if (typeof news.masterEndpoint === "string") {
        seen.set(news.masterEndpoint, "masterEndpoint");
    }
    replicas.forEach((r: unknown, i) => {
        const at = `replicas[${i}]`;
        if (!known(r)) {
            return;
        }
        if (typeof r !== "object" || r === null) {
            fail(at, "must be an object with name, endpoint and ip");
            return;
        }
        const t = r as Record<string, unknown>;
        nonEmpty(`${at}.name`, t.name);
        endpoint(`${at}.endpoint`, t.endpoint);
        ip(`${at}.ip`, t.ip);
        if (typeof t.endpoint === "string" && known(t.endpoint)) {
            const other = seen.get(t.endpoint);
            if (other !== undefined) {
                fail(`${at}.endpoint`, `${t.endpoint} is also ${other}`);
            } else {
                seen.set(t.endpoint, `${at}.endpoint`);
            }
        }
    });
    return failures;
}

/** diff(): true when anything that decides what is checked changed. Timeouts, names of the master and the password do not. */
export function inputsChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    const norm = (v: Record<string, unknown>): string =>
        JSON.stringify([
            v.masterEndpoint,
            v.masterIp,
            v.masterPort ?? 6379,
            v.expectedReplicas,
            Array.isArray(v.replicas)
                ? v.replicas.map((r: unknown) => {
                      const t = (r ?? {}) as Record<string, unknown>;
                      return typeof r === "object" ? [t.name, t.endpoint, t.ip] : r;
                  })
                : v.replicas,
            Array.isArray(v.containerIds) ? [...v.containerIds] : v.containerIds,
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
 * the right master, and a probe write seen on all of them. Re-runs when an endpoint, an expected IP,
 * the replica list or a container id changes.
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

    constructor(name: string, args: ReplicationCheckArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            masterReplId: undefined,
            durationMs: undefined,
            passedAt: undefined,
            replicaStatus: undefined,
            ...args,
            password: args.password === undefined ? undefined : pulumi.secret(args.password),
        };
        const secretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), "password"])];
        super(replicationCheckProvider, name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "redis", "ReplicationCheck");
    }
}

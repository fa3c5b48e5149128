// Judging one data node from its INFO replication: is it the master the group needs, or a linked,
// read-only replica of it. Serialized with the provider (see
// docs/development.md#serialized-providers).
import type { Redis as RedisClient } from "ioredis";
import { describeError, ensureConnected } from "./connection";
import { PROBE_PREFIX } from "./constants";
import type { CheckContext, NodeFacts, NodeState } from "./context";
import { errorMessage } from "../redisOps/messages";
import { parseEndpoint, parseInfo, slavesOf } from "../redisOps/parse";
import type { Fact } from "./types";

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
export async function inspectNode(ctx: CheckContext, node: NodeState): Promise<NodeFacts> {
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
    const slaves = slavesOf(info);
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

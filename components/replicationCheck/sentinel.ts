// Sentinel's side of the check: what each sentinel reports, which node they name master, and
// whether each sees the group whole. Serialized with the provider (see
// docs/development.md#serialized-providers).
import { describeError, ensureConnected } from "./connection";
import type { CheckContext, NodeState } from "./context";
import { errorMessage } from "../redisOps/messages";
import { pairs } from "../redisOps/parse";
import type { Fact, SentinelCheck } from "./types";

/** Flags that mean a sentinel does not see an instance as healthy. */
const DOWN_FLAGS = ["s_down", "o_down", "disconnected"];

/** What one sentinel said in one poll; `facts` set when it could not be asked. */
export interface SentinelView {
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
export async function querySentinel(ctx: CheckContext, node: NodeState, name: string): Promise<SentinelView> {
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
export function chooseMaster(
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
export function judgeSentinel(view: SentinelView, want: SentinelCheck, replicas: NodeState[], sentinels: NodeState[]): Fact[] {
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
    facts.push(...judgeListedReplicas(view, replicas), ...judgeListedSentinels(view, sentinels));
    if (view.ckquorum && !view.ckquorum.ok) {
        facts.push({ what: `SENTINEL CKQUORUM ${want.masterName}: ${view.ckquorum.text}` });
    }
    return facts;
}

/** SENTINEL REPLICAS or SENTINELS entries by ip:port. */
function listed(entries: Record<string, string>[] | undefined): Map<string, Record<string, string>> {
    return new Map((entries ?? []).map((e) => [`${e.ip}:${e.port}`, e]));
}

/** Replicas: each of the group's must be listed and not down; strangers are named. */
function judgeListedReplicas(view: SentinelView, replicas: NodeState[]): Fact[] {
    const facts: Fact[] = [];
    const seenReplicas = listed(view.replicas);
    const numSlaves = Number(view.master?.["num-slaves"] ?? seenReplicas.size);
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
    return facts;
}

/** The other sentinels: each must be listed and not down. */
function judgeListedSentinels(view: SentinelView, sentinels: NodeState[]): Fact[] {
    const facts: Fact[] = [];
    const others = sentinels.filter((s) => s !== view.node);
    const seenSentinels = listed(view.sentinels);
    const numOthers = Number(view.master?.["num-other-sentinels"] ?? seenSentinels.size);
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
    return facts;
}

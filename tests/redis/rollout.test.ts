// The rollout's providers as the engine runs them (serialized and reloaded), against real
// redis-server processes on 127.0.0.1: NodeRejoin waits until a node is back (linked and caught
// up), NodeHandover fails over away from a master about to be replaced and makes the sentinels
// forget a removed replica. Waits that must fail are proved by their message, not by a clock.
import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import { NodeHandoverInputs, nodeHandoverProvider, NodeRejoinInputs, nodeRejoinProvider, RolloutNode } from "../../components/rollout";
import { removeLeavers } from "../../components/rollout/membership";
import { loadSerializedProvider, serializeProvider } from "../../harness/loadSerialized";
import { pollUntil } from "../../harness/poll";
import { FakeSentinel } from "../support/fakeSentinel";
import { RedisFleet, RedisNode, requireRedisServer, waitLinked } from "../support/redisProcesses";
import { HOST, MONITORED, PASSWORD, reportedMaster, SentinelGroup, startSentinelGroup } from "../support/sentinelGroup";

const asNode = (n: RedisNode): RolloutNode => ({ name: n.name, endpoint: n.endpoint, ip: HOST, port: n.port });
const address = (n: RedisNode): string => `${HOST}:${n.port}`;

async function load(provider: pulumi.dynamic.ResourceProvider): Promise<{ text: string; loaded: pulumi.dynamic.ResourceProvider }> {
    const sf = await serializeProvider(provider);
    assert.strictEqual(sf.containsSecrets, false);
    return { text: sf.text, loaded: await loadSerializedProvider(sf.text) };
}

async function dbsize(n: RedisNode): Promise<number> {
    const c = n.client();
    await c.connect();
    try {
        return await c.dbsize();
    } finally {
        c.disconnect();
    }
}

describe("rollout providers, serialized, against redis-server", function () {
    let fleet: RedisFleet;
    let rejoin: pulumi.dynamic.ResourceProvider;
    let handover: pulumi.dynamic.ResourceProvider;

    before(async function () {
        fleet = new RedisFleet(requireRedisServer(this));
        const r = await load(nodeRejoinProvider as pulumi.dynamic.ResourceProvider);
        const h = await load(nodeHandoverProvider as pulumi.dynamic.ResourceProvider);
        for (const text of [r.text, h.text]) {
            const required = [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
            assert.deepStrictEqual(required, ["crypto", "ioredis"], "each provider requires only these, inside its methods");
            assert.ok(!/exports\.(?!handler)/.test(text), "no provider text reaches into a module's exports");
            assert.ok(!text.includes("@pulumi/pulumi"));
        }
        rejoin = r.loaded;
        handover = h.loaded;
    });
    afterEach(async () => {
        await fleet.stopAll();
    });

    describe("NodeRejoin", () => {
        const inputsFor = (node: RedisNode, master: RedisNode | undefined, nodes: RedisNode[], timeoutMs = 10_000): NodeRejoinInputs => ({
            node: asNode(node),
            replicaOf: master ? address(master) : "",
            dataNodes: nodes.map(asNode),
            password: PASSWORD,
            containerId: "c-1",
            timeoutMs,
        });

        it("returns once a replaced replica is linked and holds what the master held when the link came up", async () => {
            const master = await fleet.start({ name: "roll-master", password: PASSWORD });
            const c = master.client();
            await c.connect();
            for (let i = 0; i < 20; i++) await c.mset(...Array.from({ length: 100 }, (_, j) => [`k${i}-${j}`, "v".repeat(100)]).flat());
            c.disconnect();
            const replica = await fleet.start({ name: "roll-replica-1", password: PASSWORD, replicaOf: master.port });
            const inputs = inputsFor(replica, master, [master, replica]);
            const created = await rejoin.create(inputs);
            assert.strictEqual(created.outs.role, "replica", "a new node is back once it answers in its role");
            const { outs } = await rejoin.update!("id", created.outs, { ...inputs, containerId: "c-2" });
            assert.strictEqual(outs!.role, "replica");
            assert.strictEqual(outs!.linked, true, "a replaced node must link again");
            assert.strictEqual(await dbsize(replica), 2000, "caught up: every key the master had");
            assert.strictEqual(outs!.password, undefined, "the password stays out of the outputs");
        });

        it("on a first deploy, before the master exists, returns once the replica answers; an update then waits for the link", async () => {
            const replica = await fleet.start({ name: "roll-replica-1", password: PASSWORD, replicaOf: 1 });
            const phantom = { ...asNode(replica), name: "roll-master", endpoint: `${HOST}:1`, port: 1 };
            const inputs = {
                ...inputsFor(replica, undefined, [replica], 1000),
                replicaOf: `${HOST}:1`,
                dataNodes: [phantom, asNode(replica)],
            };
            const { outs } = await rejoin.create(inputs);
            assert.deepStrictEqual([outs.role, outs.linked], ["replica", false]);
            const kept = await rejoin.update!("id", outs, inputs);
            assert.strictEqual(kept.outs!.waitedMs, 0, "the same container is not waited for again");
            await assert.rejects(
                rejoin.update!("id", outs, { ...inputs, containerId: "c-2" }),
                /^Error: replica roll-replica-1 \(127\.0\.0\.1:\d+\): not back in the group after 1s: master_link_status=down$/,
            );
        });

        it("fails naming what the node follows when it follows another master", async () => {
            const master = await fleet.start({ name: "roll-master", password: PASSWORD });
            const other = await fleet.start({ name: "roll-other", password: PASSWORD });
            const replica = await fleet.start({ name: "roll-replica-1", password: PASSWORD, replicaOf: other.port });
            const inputs = inputsFor(replica, master, [master, replica], 1000);
            await assert.rejects(
                rejoin.update!("id", { ...inputs, containerId: "c-0" }, inputs),
                new RegExp(`follows ${HOST}:${other.port} \\(expected ${HOST}:${master.port}\\)$`),
            );
        });

        it("on a first deploy, tells a replica that never had a link to connect now, rather than at its next once-a-second retry", async () => {
            const master = await fleet.start({ name: "roll-master", password: PASSWORD });
            const linked = await fleet.start({ name: "roll-replica-1", password: PASSWORD, replicaOf: master.port });
            await waitLinked(master, 1);
            const port = master.port;
            await master.stop();
            // replica-2 starts while no master listens: its first connect is refused.
            const fresh = await fleet.start({ name: "roll-replica-2", password: PASSWORD, replicaOf: port });
            await master.restart();
            const { outs } = await rejoin.create(inputsFor(master, undefined, [master, linked, fresh]));
            assert.deepStrictEqual([outs.role, outs.linked], ["master", true]);
            assert.match(fresh.logTail(50), /MASTER MODE enabled \(user request/, "the never-linked replica was told to connect");
            assert.doesNotMatch(linked.logTail(50), /MASTER MODE enabled/, "a replica that had a link is left to reconnect by itself");
        });

        it("waits for a master to answer as master with every other data node linked to it, or their grace to run out", async () => {
            const master = await fleet.start({ name: "roll-master", password: PASSWORD });
            const phantom = { name: "roll-replica-1", endpoint: `${HOST}:1`, ip: HOST, port: 1 };
            const alone = { ...inputsFor(master, undefined, [master], 1000), dataNodes: [asNode(master), phantom] };
            const unlinked = await rejoin.create(alone);
            assert.deepStrictEqual(
                [unlinked.outs.role, unlinked.outs.linked],
                ["master", false],
                "an unlinked replica is the check's to name",
            );
            const replica = await fleet.start({ name: "roll-replica-1", password: PASSWORD, replicaOf: master.port });
            const inputs = inputsFor(master, undefined, [master, replica]);
            const { outs } = await rejoin.create(inputs);
            assert.deepStrictEqual([outs.role, outs.linked], ["master", true]);
            const diff = await rejoin.diff!("id", outs, { ...inputs, containerId: "c-2" });
            assert.deepStrictEqual(
                diff,
                { changes: true, replaces: [], deleteBeforeReplace: false },
                "a replaced container waits again, never replaces",
            );
            assert.strictEqual((await rejoin.diff!("id", outs, inputs)).changes, false);
        });
    });

    describe("NodeHandover and the last NodeRejoin, with three sentinels", () => {
        let g: SentinelGroup;
        const inputsFor = (node: RedisNode, fingerprint: string, deployedReplicaOf: string): NodeHandoverInputs => ({
            node: asNode(node),
            deployedReplicaOf,
            fingerprint,
            dataNodes: [g.master, ...g.replicas].map(asNode),
            sentinel: { masterName: MONITORED, endpoints: g.sentinels.map((s) => s.endpoint) },
            password: PASSWORD,
            timeoutMs: 30_000,
        });

        beforeEach(async () => {
            g = await startSentinelGroup(fleet);
            await pollUntil("the sentinels to know both replicas and each other", 20_000, async () => {
                const c = g.sentinels[0]!.client();
                await c.connect();
                const m = (await c.call("SENTINEL", "MASTER", MONITORED)) as string[];
                c.disconnect();
                return Number(m[m.indexOf("num-slaves") + 1]) === 2 && Number(m[m.indexOf("num-other-sentinels") + 1]) === 2;
            });
        });

        it("creates following the master the sentinels report, or as deployed when none answers", async () => {
            const fresh = await handover.create(inputsFor(g.replicas[1]!, "f1", address(g.replicas[0]!)));
            assert.strictEqual(fresh.outs.replicaOf, address(g.master), "the sentinels' master, not the deployed one");
            const early = {
                ...inputsFor(g.replicas[1]!, "f1", address(g.replicas[0]!)),
                sentinel: { masterName: MONITORED, endpoints: [`${HOST}:1`] },
            };
            assert.strictEqual((await handover.create(early)).outs.replicaOf, address(g.replicas[0]!), "no sentinel yet: as deployed");
        });

        it("keeps what the node follows while its fingerprint stays", async () => {
            const created = await handover.create(inputsFor(g.master, "f1", ""));
            assert.strictEqual(created.outs.replicaOf, "", "the sentinels report it as the master: it follows none");
            const same = await handover.update!("id", created.outs, inputsFor(g.master, "f1", ""));
            assert.strictEqual(same.outs!.replicaOf, "");
            assert.strictEqual(await reportedMaster(g.sentinels[0]!), address(g.master), "no failover without a new fingerprint");
        });

        it("fails over away from the master before it is replaced, and has its new container follow the promoted node", async () => {
            const created = await handover.create(inputsFor(g.master, "f1", ""));
            // An application's client on the master: sent away by the handover, not left to meet READONLY.
            const client = g.master.client();
            await client.connect();
            await client.ping();
            const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
            const { outs } = await handover.update!("id", created.outs, inputsFor(g.master, "f2", ""));
            const promoted = g.replicas.find((r) => address(r) === outs!.replicaOf);
            assert.ok(promoted, `replicaOf ${outs!.replicaOf} is one of the replicas`);
            assert.strictEqual(outs!.failedOverTo, promoted.name);
            // The others learn it from the leader's hellos; the handover returns only once they have.
            for (const s of g.sentinels)
                assert.strictEqual(await reportedMaster(s), address(promoted), `${s.name} names the promoted node`);
            await closed;
            client.disconnect();
            const probe = g.master.client();
            await probe.connect();
            const role = await probe.call("ROLE");
            assert.strictEqual((role as unknown[])[0], "slave", "the old master follows the promoted node before it is unpaused");
        });

        it("lets the old master go only once every sentinel names the promoted node: one naming it still would fail it over again", async () => {
            const created = await handover.create(inputsFor(g.master, "f1", ""));
            const lagging = await FakeSentinel.start(address(g.master));
            try {
                const inputs = inputsFor(g.master, "f2", "");
                inputs.sentinel = { ...inputs.sentinel, endpoints: [...inputs.sentinel.endpoints, lagging.endpoint] };
                let returned = false;
                const update = handover.update!("id", created.outs, inputs).finally(() => (returned = true));
                const promoted = await pollUntil("the sentinels to promote a replica", 20_000, async () => {
                    const named = await reportedMaster(g.sentinels[0]!);
                    return named !== address(g.master) && named;
                });
                const askedThen = lagging.asked;
                await pollUntil("the handover to ask the lagging sentinel again", 10_000, async () => lagging.asked > askedThen + 2);
                assert.strictEqual(returned, false, "the handover waits while a sentinel names the old master");
                lagging.names = promoted;
                const { outs } = await update;
                assert.strictEqual(outs!.replicaOf, promoted);
            } finally {
                await lagging.stop();
            }
        });

        it("has a replica's new container follow the current master, with no failover", async () => {
            const created = await handover.create(inputsFor(g.replicas[0]!, "f1", address(g.master)));
            const { outs } = await handover.update!("id", created.outs, inputsFor(g.replicas[0]!, "f2", address(g.master)));
            assert.deepStrictEqual([outs!.replicaOf, outs!.failedOverTo], [address(g.master), undefined]);
            assert.strictEqual(await reportedMaster(g.sentinels[0]!), address(g.master));
        });

        it("resets no sentinel while it runs a failover: the failover ends whole, and every sentinel names the promoted node", async () => {
            // Called directly: the race needs the reset right after a promotion, which the master's
            // own wait, before it in the provider, never leaves room for in a test.
            const leader = g.sentinels[0]!.client();
            await leader.connect();
            try {
                await leader.call("SENTINEL", "FAILOVER", MONITORED);
                await pollUntil(
                    "the failover past its promotion",
                    10_000,
                    async () => {
                        const m = (await leader.call("SENTINEL", "MASTER", MONITORED)) as string[];
                        return m[m.indexOf("failover-state") + 1] === "reconf_slaves";
                    },
                    2,
                );
            } finally {
                leader.disconnect();
            }
            const nodes = [g.master, ...g.replicas].map(asNode);
            const news: NodeRejoinInputs = {
                node: nodes[0]!,
                replicaOf: "",
                dataNodes: nodes,
                password: PASSWORD,
                containerId: "c-master",
                timeoutMs: 30_000,
                removesLeavers: true,
                sentinel: { masterName: MONITORED, endpoints: g.sentinels.map((s) => s.endpoint) },
            };
            // A node gone with its address (unreachable): every running sentinel is reset, one at a time.
            const gone: RolloutNode = { name: "gone", endpoint: `${HOST}:1`, ip: HOST, port: 1 };
            await removeLeavers({ ...news, dataNodes: [...nodes, gone] }, news);
            const promoted = await reportedMaster(g.sentinels[0]!);
            assert.notStrictEqual(promoted, address(g.master), "the leader names the promoted node, not the old master");
            // The others learn it from the leader's hello.
            await pollUntil("every sentinel to name the promoted node", 10_000, async () => {
                for (const s of g.sentinels) if ((await reportedMaster(s)) !== promoted) return false;
                return true;
            });
            const other = g.replicas.find((r) => address(r) !== promoted)!;
            const c = other.client();
            await c.connect();
            const info = await c.info("replication");
            c.disconnect();
            assert.match(info, new RegExp(`master_port:${promoted.split(":")[1]}\\r?\\n`), "the other replica follows the promoted node");
        });

        it("before the check, detaches a removed replica and has every sentinel forget it, and the sentinels agree again", async () => {
            const gone = g.replicas[1]!;
            const rejoinInputs = (nodes: RedisNode[]): NodeRejoinInputs => ({
                node: asNode(g.master),
                replicaOf: "",
                dataNodes: nodes.map(asNode),
                password: PASSWORD,
                containerId: "c-master",
                timeoutMs: 30_000,
                removesLeavers: true,
                sentinel: { masterName: MONITORED, endpoints: g.sentinels.map((s) => s.endpoint) },
            });
            const before = await rejoin.create(rejoinInputs([g.master, ...g.replicas]));
            const { outs } = await rejoin.update!("id", before.outs, rejoinInputs([g.master, g.replicas[0]!]));
            assert.deepStrictEqual(outs!.detached, [gone.name]);
            await waitLinked(g.master, 1);
            const mc = g.master.client();
            await mc.connect();
            const info = await mc.info("replication");
            mc.disconnect();
            assert.match(info, /connected_slaves:1\r?\n/, "the removed replica no longer follows the master");
            for (const s of g.sentinels) {
                const c = s.client();
                await c.connect();
                const replicas = (await c.call("SENTINEL", "REPLICAS", MONITORED)) as string[][];
                const m = (await c.call("SENTINEL", "MASTER", MONITORED)) as string[];
                c.disconnect();
                assert.deepStrictEqual(
                    replicas.map((f) => f[f.indexOf("name") + 1]),
                    [address(g.replicas[0]!)],
                    `${s.name} forgot ${gone.name}`,
                );
                assert.strictEqual(m[m.indexOf("num-other-sentinels") + 1], "2", `${s.name} sees the other sentinels`);
            }
        });
    });
});

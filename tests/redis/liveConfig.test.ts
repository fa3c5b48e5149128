// The live configuration's providers as the engine runs them (serialized and reloaded), against
// real redis-server processes on 127.0.0.1: live settings set node by node and persisted, a
// refusal putting back every node already changed, and a password rotation in two steps that
// fails no fresh connection and drops no replication link, with and without sentinels.
import * as assert from "assert";
import * as fs from "fs";
import type * as pulumi from "@pulumi/pulumi";
import {
    LiveConfigInputs,
    LiveConfigOutputs,
    liveConfigProvider,
    PasswordCommitInputs,
    passwordCommitProvider,
} from "../../components/liveConfig";
import type { RolloutNode } from "../../components/rollout";
import { LinkWatcher } from "../../harness/linkWatcher";
import { loadSerializedProvider, serializeProvider } from "../../harness/loadSerialized";
import { PasswordProbe } from "../../harness/passwordProbe";
import { pollUntil } from "../../harness/poll";
import { authWith, withClient } from "../../harness/redisClient";
import { RedisFleet, RedisNode, requireRedisServer, waitLinked } from "../support/redisProcesses";
import { HOST, MONITORED, PASSWORD, reportedMaster, startSentinelGroup } from "../support/sentinelGroup";

const NEXT = "rotated-Pa55word-2";
const asNode = (n: RedisNode): RolloutNode => ({ name: n.name, endpoint: n.endpoint, ip: HOST, port: n.port });

async function load(provider: pulumi.dynamic.ResourceProvider): Promise<pulumi.dynamic.ResourceProvider> {
    const sf = await serializeProvider(provider);
    assert.strictEqual(sf.containsSecrets, false);
    const required = [...new Set([...sf.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
    assert.deepStrictEqual(required, ["crypto", "ioredis"], "the provider requires only these, inside its methods");
    assert.ok(!/exports\.(?!handler)/.test(sf.text), "no provider text reaches into a module's exports");
    return loadSerializedProvider(sf.text);
}

/** CONFIG GET of one directive on each node. */
async function valuesOf(nodes: RedisNode[], directive: string, password = PASSWORD): Promise<string[]> {
    return Promise.all(
        nodes.map((n) => withClient(n.port, password, async (c) => ((await c.call("CONFIG", "GET", directive)) as string[])[1]!)),
    );
}

describe("live configuration providers, serialized, against redis-server", function () {
    let fleet: RedisFleet;
    let live: pulumi.dynamic.ResourceProvider<LiveConfigInputs, LiveConfigOutputs>;
    let commit: pulumi.dynamic.ResourceProvider<PasswordCommitInputs, PasswordCommitInputs>;

    before(async function () {
        fleet = new RedisFleet(requireRedisServer(this));
        live = (await load(liveConfigProvider as pulumi.dynamic.ResourceProvider)) as typeof live;
        commit = (await load(passwordCommitProvider as pulumi.dynamic.ResourceProvider)) as typeof commit;
    });
    afterEach(async () => fleet.stopAll());

    /** A master and two linked replicas; the replicas' extra config lines are `replicaConfig`. */
    async function group(replicaConfig: string[] = []): Promise<RedisNode[]> {
        const master = await fleet.start({ name: "live-master", password: PASSWORD });
        const replicas = await Promise.all(
            [1, 2].map((i) =>
                fleet.start({ name: `live-replica-${i}`, password: PASSWORD, replicaOf: master.port, extraConfig: replicaConfig }),
            ),
        );
        await waitLinked(master, 2);
        return [master, ...replicas];
    }

    const outputsFor = (nodes: RedisNode[], settings: Record<string, string>, password = PASSWORD): LiveConfigOutputs => ({
        dataNodes: nodes.map(asNode),
        settings,
        password,
        timeoutMs: 5000,
        generation: 1,
        changed: [],
        admittedPassword: false,
    });
    const inputsOf = ({ generation: _g, changed: _c, admittedPassword: _a, ...inputs }: LiveConfigOutputs): LiveConfigInputs => inputs;

    it("sets a changed setting on every node, persisted in each node's config file, and counts a generation", async () => {
        const nodes = await group();
        const olds = outputsFor(nodes, { "maxmemory-policy": "noeviction", hz: "10" });
        const news = inputsOf(outputsFor(nodes, { "maxmemory-policy": "allkeys-lru", hz: "20" }));
        assert.strictEqual((await live.diff!("id", olds, news)).changes, true);
        const { outs } = await live.update!("id", olds, news);
        assert.deepStrictEqual([outs!.generation, outs!.changed], [2, ["maxmemory-policy allkeys-lru", "hz 20"]]);
        assert.deepStrictEqual(await valuesOf(nodes, "maxmemory-policy"), ["allkeys-lru", "allkeys-lru", "allkeys-lru"]);
        for (const n of nodes)
            assert.match(fs.readFileSync(n.confFile, "utf8"), /^maxmemory-policy allkeys-lru$/m, `${n.name}: CONFIG REWRITE`);
        await nodes[1]!.stop();
        await nodes[1]!.restart();
        assert.deepStrictEqual(await valuesOf([nodes[1]!], "hz"), ["20"], "a restarted node starts with it");
        const again = await live.update!("id", outs as LiveConfigOutputs, news);
        assert.strictEqual(again.outs!.generation, 2, "nothing changed: the same generation");
    });

    it("fails naming the node and quoting Redis when a node refuses, and puts back the nodes already changed", async () => {
        // The replicas take the protected dbfilename; the master, last, refuses it.
        const nodes = await group(["enable-protected-configs yes"]);
        const olds = outputsFor(nodes, { hz: "10" });
        const news = inputsOf(outputsFor(nodes, { hz: "25", dbfilename: "other.rdb" }));
        await assert.rejects(
            live.update!("id", olds, news),
            /^Error: live-master refused CONFIG SET hz "25", dbfilename "other\.rdb": ERR CONFIG SET failed \(possibly related to argument 'dbfilename'\) - can't set protected config\. Put back live-replica-\d, live-replica-\d: every node keeps its earlier values\.$/,
        );
        assert.deepStrictEqual(await valuesOf(nodes, "hz"), ["10", "10", "10"]);
        assert.deepStrictEqual(await valuesOf(nodes, "dbfilename"), ["dump.rdb", "dump.rdb", "dump.rdb"]);
        for (const n of nodes.slice(1))
            assert.doesNotMatch(fs.readFileSync(n.confFile, "utf8"), /other\.rdb/, `${n.name}'s file put back too`);
    });

    it("rotates the password: both taken until the commit, then only the new; no new connection fails, no link drops", async () => {
        const nodes = await group();
        const [master, ...replicas] = nodes;
        const watcher = await LinkWatcher.start(
            master!.port,
            replicas.map((r) => r.port),
            PASSWORD,
        );
        const probe = new PasswordProbe(
            [
                { port: master!.port, command: ["SET", "probe:{i}", "x"] },
                ...replicas.map((r) => ({ port: r.port, command: ["GET", "probe:1"] })),
            ],
            PASSWORD,
        );
        const olds = outputsFor(nodes, { hz: "10" });
        const { outs } = await live.update!("id", olds, { ...inputsOf(olds), password: NEXT });
        assert.strictEqual(outs!.admittedPassword, true);
        assert.deepStrictEqual(
            await Promise.all(nodes.map((n) => authWith(n.port, PASSWORD))),
            ["ok", "ok", "ok"],
            "the old one still works",
        );
        assert.deepStrictEqual(await Promise.all(nodes.map((n) => authWith(n.port, NEXT))), ["ok", "ok", "ok"]);
        // The client switches before the old password is retired: none of its connections may fail.
        probe.password = NEXT;
        const committed: PasswordCommitInputs = { dataNodes: nodes.map(asNode), password: NEXT, timeoutMs: 5000 };
        await commit.update!("id", { ...committed, password: PASSWORD }, committed);
        await probe.stop();
        const links = await watcher.stop();
        assert.deepStrictEqual(probe.errors, {});
        assert.ok(probe.ok > 0);
        assert.deepStrictEqual([links.drops, links.fullSyncs, links.partialSyncs], [0, 0, 0], "no link dropped or resynced");
        assert.deepStrictEqual(await Promise.all(nodes.map((n) => authWith(n.port, PASSWORD))), ["WRONGPASS", "WRONGPASS", "WRONGPASS"]);
        for (const n of nodes) assert.ok(!fs.readFileSync(n.confFile, "utf8").includes(PASSWORD), `${n.name}'s file keeps no old password`);
        for (const n of nodes) n.password = NEXT;
        await replicas[0]!.stop();
        await replicas[0]!.restart();
        assert.strictEqual(await authWith(replicas[0]!.port, PASSWORD), "WRONGPASS", "a restarted node starts with the new password alone");
        await waitLinked(master!, 2);
    });

    it("with sentinels: they take the new password too, keep their quorum and can still fail over", async () => {
        const g = await startSentinelGroup(fleet);
        const nodes = [g.master, ...g.replicas];
        const sentinel = { masterName: MONITORED, nodes: g.sentinels.map((s) => ({ name: s.name, endpoint: s.endpoint })) };
        const olds = { ...outputsFor(nodes, {}), sentinel };
        await live.update!("id", olds, { ...inputsOf(olds), password: NEXT });
        const committed: PasswordCommitInputs = { dataNodes: nodes.map(asNode), sentinel, password: NEXT, timeoutMs: 5000 };
        await commit.update!("id", { ...committed, password: PASSWORD }, committed);
        assert.deepStrictEqual(await Promise.all(g.sentinels.map((s) => authWith(s.port, PASSWORD))), [
            "WRONGPASS",
            "WRONGPASS",
            "WRONGPASS",
        ]);
        for (const s of g.sentinels) {
            const reply = await withClient(s.port, NEXT, async (c) => String(await c.call("SENTINEL", "CKQUORUM", MONITORED)));
            assert.match(reply, /^OK 3 usable Sentinels/, `${s.name}: ${reply}`);
            assert.ok(!fs.readFileSync(s.confFile, "utf8").includes(PASSWORD), `${s.name}'s file keeps no old password`);
        }
        for (const n of [...nodes, ...g.sentinels]) n.password = NEXT;
        await withClient(g.sentinels[0]!.port, NEXT, (c) => c.call("SENTINEL", "FAILOVER", MONITORED));
        await pollUntil(
            "a replica promoted by the sentinels",
            20_000,
            async () => (await reportedMaster(g.sentinels[1]!)) !== `${HOST}:${g.master.port}`,
            20,
        );
    });
});

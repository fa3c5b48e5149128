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
import type { PasswordCommitOutputs } from "../../components/liveConfig/types";
import { aclSettings, ADMIN_USER, hashedPassword } from "../../components/acl";
import type { RolloutNode } from "../../components/rollout";
import { DEFAULT_DISABLED_COMMANDS } from "../../config";
import { LinkWatcher } from "../../harness/linkWatcher";
import { loadSerializedProvider, serializeProvider } from "../../harness/loadSerialized";
import { PasswordProbe } from "../../harness/passwordProbe";
import { pollUntil } from "../../harness/poll";
import { authWith, outcomeAs, withClient } from "../../harness/redisClient";
import { RedisFleet, RedisNode, requireRedisServer, waitLinked } from "../support/redisProcesses";
import { HOST, MONITORED, PASSWORD, reportedMaster, startSentinelGroup, untilEverySentinelUsable } from "../support/sentinelGroup";

const NEXT = "rotated-Pa55word-2";
const CREDS = { admin: "admin-Live-Pa55", replication: "repl-Live-Pa55", sentinel: "sentinel-Live-Pa55" };
const ACL = aclSettings({ disabledCommands: [...DEFAULT_DISABLED_COMMANDS] }, CREDS);
const ADMIN = { username: ADMIN_USER, password: CREDS.admin };
/** ioredis options that log in as admin, as the group's own tools do. */
const AS_ADMIN = { username: ADMIN_USER };
const asNode = (n: RedisNode): RolloutNode => ({ name: n.name, endpoint: n.endpoint, ip: HOST, port: n.port });

async function load(provider: pulumi.dynamic.ResourceProvider, modules: string[]): Promise<pulumi.dynamic.ResourceProvider> {
    const sf = await serializeProvider(provider);
    assert.strictEqual(sf.containsSecrets, false);
    const required = [...new Set([...sf.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
    assert.deepStrictEqual(required, modules, "the provider requires only these, inside its methods");
    assert.ok(!/exports\.(?!handler)/.test(sf.text), "no provider text reaches into a module's exports");
    return loadSerializedProvider(sf.text);
}

/** CONFIG GET of one directive on each node, as admin. */
async function valuesOf(nodes: RedisNode[], directive: string): Promise<string[]> {
    return Promise.all(
        nodes.map((n) =>
            withClient(n.port, CREDS.admin, async (c) => ((await c.call("CONFIG", "GET", directive)) as string[])[1]!, AS_ADMIN),
        ),
    );
}

describe("live configuration providers, serialized, against redis-server", function () {
    let fleet: RedisFleet;
    let live: pulumi.dynamic.ResourceProvider<LiveConfigInputs, LiveConfigOutputs>;
    let commit: pulumi.dynamic.ResourceProvider<PasswordCommitInputs, PasswordCommitOutputs>;

    before(async function () {
        fleet = new RedisFleet(requireRedisServer(this));
        // Docker's API and a tar writer: for a new TLS certificate's files.
        live = (await load(liveConfigProvider as pulumi.dynamic.ResourceProvider, [
            "crypto",
            "dockerode",
            "ioredis",
            "tar-stream",
        ])) as typeof live;
        commit = (await load(passwordCommitProvider as pulumi.dynamic.ResourceProvider, ["crypto", "ioredis"])) as typeof commit;
    });
    afterEach(async () => fleet.stopAll());

    /**
     * A master and two linked replicas with the group's ACL users; the replicas' extra config lines
     * are `replicaConfig`. `legacy`: one password for everything, as groups had before ACL users.
     */
    async function group(replicaConfig: string[] = [], legacy = false): Promise<RedisNode[]> {
        const creds = legacy ? undefined : CREDS;
        const master = await fleet.start({ name: "live-master", password: PASSWORD, creds });
        const replicas = await Promise.all(
            [1, 2].map((i) =>
                fleet.start({ name: `live-replica-${i}`, password: PASSWORD, creds, replicaOf: master.port, extraConfig: replicaConfig }),
            ),
        );
        await waitLinked(master, 2);
        return [master, ...replicas];
    }

    const outputsFor = (nodes: RedisNode[], settings: Record<string, string>, password = PASSWORD): LiveConfigOutputs => ({
        dataNodes: nodes.map(asNode),
        settings,
        password,
        acl: ACL,
        admin: ADMIN,
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
            CREDS.admin,
            AS_ADMIN,
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
        const committed: PasswordCommitInputs = { dataNodes: nodes.map(asNode), password: NEXT, admin: ADMIN, timeoutMs: 5000 };
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
        const g = await startSentinelGroup(fleet, CREDS);
        const nodes = [g.master, ...g.replicas];
        const sentinel = { masterName: MONITORED, nodes: g.sentinels.map((s) => ({ name: s.name, endpoint: s.endpoint })) };
        const olds = { ...outputsFor(nodes, {}), sentinel };
        await live.update!("id", olds, { ...inputsOf(olds), password: NEXT });
        const committed: PasswordCommitInputs = { dataNodes: nodes.map(asNode), sentinel, password: NEXT, admin: ADMIN, timeoutMs: 5000 };
        await commit.update!("id", { ...committed, password: PASSWORD }, committed);
        assert.deepStrictEqual(await Promise.all(g.sentinels.map((s) => authWith(s.port, PASSWORD))), [
            "WRONGPASS",
            "WRONGPASS",
            "WRONGPASS",
        ]);
        for (const s of g.sentinels) {
            await untilEverySentinelUsable(s.name, 3, () =>
                withClient(s.port, NEXT, async (c) => String(await c.call("SENTINEL", "CKQUORUM", MONITORED))),
            );
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

    it("after a failed commit, an `up` back to the old password retires the abandoned new one on every node and sentinel", async () => {
        const g = await startSentinelGroup(fleet, CREDS);
        const nodes = [g.master, ...g.replicas];
        const everyone = [...nodes, ...g.sentinels];
        const sentinel = { masterName: MONITORED, nodes: g.sentinels.map((s) => ({ name: s.name, endpoint: s.endpoint })) };
        const olds = { ...outputsFor(nodes, {}), sentinel };
        const rotated = (await live.update!("id", olds, { ...inputsOf(olds), password: NEXT })).outs as LiveConfigOutputs;
        const committed: PasswordCommitOutputs = {
            dataNodes: nodes.map(asNode),
            sentinel,
            password: PASSWORD,
            admin: ADMIN,
            timeoutMs: 5000,
            othersRetired: true,
        };
        const { othersRetired: _r, ...inputs } = committed;
        // A sentinel's host is down while the commit runs: the commit fails, nothing retired.
        await g.sentinels[2]!.stop();
        const failed = (await commit.update!("commit-id", committed, { ...inputs, password: NEXT }).then(
            () => assert.fail("the commit should fail"),
            (err: unknown) => err,
        )) as Error & { id?: string; properties?: PasswordCommitOutputs; reasons?: string[] };
        assert.match(failed.message, /^cannot reach sent-sentinel-3 \(127\.0\.0\.1:\d+\): .*Other passwords may still be taken/);
        assert.ok(!failed.message.includes(NEXT) && !failed.message.includes(PASSWORD), "no password in the message");
        // A partial failure: the engine keeps these properties as the commit's state.
        assert.strictEqual(failed.id, "commit-id");
        assert.deepStrictEqual(failed.reasons, [failed.message]);
        const kept = failed.properties!;
        assert.deepStrictEqual([kept.password, kept.othersRetired], [NEXT, false]);
        await g.sentinels[2]!.restart();

        // The next `up` goes back to the old password: LiveConfig admits it again (it never left)...
        await live.update!("id", rotated, { ...inputsOf(rotated), password: PASSWORD });
        // ...and the commit, with the password it started from, still runs and retires the other one.
        assert.strictEqual((await commit.diff!("commit-id", kept, inputs)).changes, true);
        const { outs } = await commit.update!("commit-id", kept, inputs);
        assert.strictEqual(outs!.othersRetired, true);
        assert.strictEqual((await commit.diff!("commit-id", outs as PasswordCommitOutputs, inputs)).changes, false, "then settled");

        const refused = everyone.map(() => "WRONGPASS");
        assert.deepStrictEqual(await Promise.all(everyone.map((n) => authWith(n.port, NEXT))), refused, "the abandoned password");
        assert.deepStrictEqual(
            await Promise.all(everyone.map((n) => authWith(n.port, PASSWORD))),
            everyone.map(() => "ok"),
        );
        for (const n of everyone)
            assert.ok(!fs.readFileSync(n.confFile, "utf8").includes(NEXT), `${n.name}'s file keeps no abandoned password`);
        for (const s of g.sentinels) {
            await untilEverySentinelUsable(s.name, 3, () =>
                withClient(s.port, PASSWORD, async (c) => String(await c.call("SENTINEL", "CKQUORUM", MONITORED))),
            );
        }
    });

    it("adds a configured user on every running node, and deletes it when it is no longer declared", async () => {
        const nodes = await group();
        const reader = "reader-Live-Pa55";
        const withUser = { ...ACL, users: { ...ACL.users, reporting: `on ${hashedPassword(reader)} ~report:* +@read` } };
        const olds = outputsFor(nodes, {});
        const added = { ...inputsOf(olds), acl: withUser };
        assert.strictEqual((await live.diff!("id", olds, added)).changes, true);
        const { outs } = await live.update!("id", olds, added);
        const as = (port: number, command: string[]) => outcomeAs(port, { username: "reporting", password: reader }, command);
        assert.deepStrictEqual(await Promise.all(nodes.map((n) => as(n.port, ["GET", "report:1"]))), ["ok", "ok", "ok"]);
        assert.deepStrictEqual(await Promise.all(nodes.map((n) => as(n.port, ["SET", "report:1", "x"]))), ["NOPERM", "NOPERM", "NOPERM"]);
        await live.update!("id", outs as LiveConfigOutputs, inputsOf(olds));
        assert.deepStrictEqual(await Promise.all(nodes.map((n) => as(n.port, ["PING"]))), ["WRONGPASS", "WRONGPASS", "WRONGPASS"]);
        for (const n of nodes)
            assert.doesNotMatch(fs.readFileSync(n.confFile, "utf8"), /^user reporting /m, `${n.name}: rewritten without it`);
    });

    it("brings a group from before ACL users to them, dropping no link: the application user loses FLUSHALL and REPLICAOF, replicas log in as replication", async () => {
        const nodes = await group([], true);
        const [master, ...replicas] = nodes;
        // The watcher's own user: the default user is about to lose CLIENT LIST.
        for (const n of nodes)
            await withClient(n.port, PASSWORD, (c) => c.call("ACL", "SETUSER", "watcher", "on", ">watch-Pa55", "~*", "+@all"));
        const watcher = await LinkWatcher.start(
            master!.port,
            replicas.map((r) => r.port),
            "watch-Pa55",
            { username: "watcher" },
        );
        const { acl: _none, ...legacy } = outputsFor(nodes, { hz: "10" });
        const news = inputsOf(outputsFor(nodes, { hz: "10" }));
        assert.strictEqual((await live.diff!("id", legacy, news)).changes, true);
        const { outs } = await live.update!("id", legacy, news);
        const links = await watcher.stop();
        assert.deepStrictEqual([links.drops, links.fullSyncs, links.partialSyncs], [0, 0, 0], "no link dropped or resynced");
        assert.strictEqual(outs!.generation, 2);
        for (const n of nodes) {
            await withClient(n.port, PASSWORD, async (c) => {
                await assert.rejects(c.call("FLUSHALL"), /NOPERM/, `${n.name}: FLUSHALL`);
                await assert.rejects(c.call("REPLICAOF", "NO", "ONE"), /NOPERM/, `${n.name}: REPLICAOF`);
                assert.strictEqual(await c.call("PING"), "PONG");
            });
        }
        assert.deepStrictEqual(await valuesOf(nodes, "masteruser"), ["replication", "replication", "replication"]);
        await replicas[0]!.stop();
        await replicas[0]!.restart();
        await waitLinked(master!, 2);
        assert.deepStrictEqual(await valuesOf([replicas[0]!], "masteruser"), ["replication"], "from its rewritten config file");
    });

    it("with sentinels from before ACL users: they get the admin user, log in to the nodes as the sentinel user, keep their quorum and fail over", async () => {
        const g = await startSentinelGroup(fleet);
        const nodes = [g.master, ...g.replicas];
        const sentinel = { masterName: MONITORED, nodes: g.sentinels.map((s) => ({ name: s.name, endpoint: s.endpoint })) };
        const { acl: _none, ...legacy } = { ...outputsFor(nodes, {}), sentinel };
        await live.update!("id", legacy, inputsOf({ ...outputsFor(nodes, {}), sentinel }));
        for (const s of g.sentinels) {
            await untilEverySentinelUsable(s.name, 3, () =>
                withClient(s.port, CREDS.admin, async (c) => String(await c.call("SENTINEL", "CKQUORUM", MONITORED)), AS_ADMIN),
            );
            assert.match(fs.readFileSync(s.confFile, "utf8"), new RegExp(`^sentinel auth-user ${MONITORED} sentinel$`, "m"), s.name);
        }
        await withClient(g.sentinels[0]!.port, PASSWORD, (c) => c.call("SENTINEL", "FAILOVER", MONITORED));
        await pollUntil(
            "a replica promoted by the sentinels, as the sentinel user",
            20_000,
            async () => (await reportedMaster(g.sentinels[1]!)) !== `${HOST}:${g.master.port}`,
            20,
        );
    });
});

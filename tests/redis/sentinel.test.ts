// The ReplicationCheck provider with Sentinel, against real redis-server processes on 127.0.0.1:
// a master, two replicas and three sentinels (`redis-server sentinel.conf --sentinel`), all from the
// tier's one RedisFleet. The check must wait for the sentinels to agree, name the sentinel and what
// it saw when they don't, find the master through Sentinel after a failover, and run the same after
// serialization. "At once" is proved by the message (a failure at the deadline says "after 60s")
// and, where a node refuses the check, by its connection count; durations are only logged.
import * as assert from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { ReplicationCheckInputs, ReplicationCheckOutputs, replicationCheckProvider } from "../../components/replicationCheck";
import { loadSerializedProvider, serializeProvider } from "../../harness/loadSerialized";
import { pollUntil } from "../../harness/poll";
import { assertNoCheckConnections, infoReplication, RedisFleet, RedisNode, requireRedisServer, timed } from "../support/redisProcesses";
import { HOST, PASSWORD, reportedMaster, SentinelGroup, startSentinelGroup } from "../support/sentinelGroup";

const provider = replicationCheckProvider;

function log(what: string, ms: number): void {
    console.log(`      ${what}: ${ms} ms`);
}

/** The inputs with a deadline far beyond the test's own: only a failure at once can pass the test. */
const atOnce = (inputs: ReplicationCheckInputs): ReplicationCheckInputs => ({ ...inputs, timeoutMs: 60_000 });

describe("ReplicationCheck provider with Sentinel, against redis-server", function () {
    let fleet: RedisFleet | undefined;

    before(function () {
        fleet = new RedisFleet(requireRedisServer(this));
    });

    describe("on a healthy group", () => {
        let g: SentinelGroup;

        before(async () => {
            g = await startSentinelGroup(fleet!);
        });
        after(async () => {
            await fleet?.stopAll();
        });

        it("waits until every sentinel sees the master, both replicas and the two other sentinels, then passes", async () => {
            // Started right after the sentinels: they still have to find each other.
            const run = await timed(() => provider.create(g.inputs));
            log("check right after the sentinels started", run.ms);
            assert.ifError(run.error);
            const outs = run.value!.outs as ReplicationCheckOutputs;
            assert.strictEqual(outs.currentMaster, "sent-master");
            assert.strictEqual(outs.currentMasterEndpoint, g.master.endpoint);
            assert.deepStrictEqual(
                outs.replicaStatus.map((r) => [r.name, r.linkStatus]),
                [
                    ["sent-replica-1", "up"],
                    ["sent-replica-2", "up"],
                ],
            );
            assert.deepStrictEqual(
                outs.sentinelStatus,
                g.sentinels.map((s) => ({
                    name: s.name,
                    endpoint: s.endpoint,
                    master: g.master.endpoint,
                    numSlaves: 2,
                    numOtherSentinels: 2,
                    quorum: 2,
                })),
            );
            assert.ok(!JSON.stringify(outs).includes(PASSWORD));
            await assertNoCheckConnections([g.master, ...g.replicas, ...g.sentinels]);
        });

        it("fails at once, naming each sentinel, when they monitor no master by that name", async function () {
            this.timeout(20_000);
            const inputs = atOnce({ ...g.inputs, sentinel: { ...g.inputs.sentinel!, masterName: "nope" } });
            const run = await timed(() => provider.create(inputs));
            assert.ok(run.error, "the check passed with a master name nobody monitors");
            // No "after 60s": it failed on what the sentinels said, not at its deadline.
            assert.deepStrictEqual(
                run.error.message.split("\n"),
                g.sentinels.map(
                    (s) =>
                        `sentinel ${s.name} (${s.endpoint}): does not monitor nope (SENTINEL GET-MASTER-ADDR-BY-NAME returned nothing): ` +
                        `its sentinel.conf needs "sentinel monitor nope ..."; check sentinel.masterName`,
                ),
            );
            await assertNoCheckConnections([g.master, ...g.replicas, ...g.sentinels]);
        });

        it("fails at once when the sentinels' quorum is not the expected one", async function () {
            this.timeout(20_000);
            const inputs = atOnce({ ...g.inputs, sentinel: { ...g.inputs.sentinel!, quorum: 3 } });
            const run = await timed(() => provider.create(inputs));
            assert.ok(run.error, "the check passed with the wrong quorum");
            assert.doesNotMatch(run.error.message, / after \d/, "it failed at its deadline, not at once");
            for (const s of g.sentinels) {
                assert.ok(
                    run.error.message.includes(
                        `sentinel ${s.name} (${s.endpoint}): quorum=2 but 3 expected: its sentinel.conf has another quorum`,
                    ),
                    run.error.message,
                );
            }
        });

        it("fails at once on a wrong password, on the sentinels too", async function () {
            this.timeout(20_000);
            const run = await timed(() => provider.create(atOnce({ ...g.inputs, password: "wrong-password" })));
            assert.ok(run.error);
            assert.doesNotMatch(run.error.message, / after \d/, "it failed at its deadline, not at once");
            assert.match(
                run.error.message,
                new RegExp(`^sentinel sent-sentinel-1 \\(${g.sentinels[0]!.endpoint}\\): password mismatch \\(WRONGPASS`, "m"),
            );
        });

        it("runs the same after serialization, capturing no secret or module", async () => {
            const sf = await serializeProvider(provider);
            assert.strictEqual(sf.containsSecrets, false);
            assert.ok(!sf.text.includes(PASSWORD));
            const required = [...sf.text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
            assert.deepStrictEqual([...new Set(required)].sort(), ["crypto", "ioredis", "net"]);
            const loaded: pulumi.dynamic.ResourceProvider = await loadSerializedProvider(sf.text);

            const ok = await timed(() => loaded.create(g.inputs));
            log("serialized check with sentinels", ok.ms);
            assert.ifError(ok.error);
            const outs = ok.value!.outs as ReplicationCheckOutputs;
            assert.strictEqual(outs.currentMaster, "sent-master");
            assert.strictEqual(outs.sentinelStatus?.length, 3);

            const wrong = { ...g.inputs, sentinel: { ...g.inputs.sentinel!, masterName: "nope" } };
            const [direct, viaText] = [await timed(() => provider.create(wrong)), await timed(() => loaded.create(wrong))];
            assert.ok(direct.error && viaText.error);
            assert.strictEqual(viaText.error.message, direct.error.message);

            // check and diff answer the same; a moved sentinel re-runs the check.
            const bad = { ...g.inputs, sentinel: { masterName: "", quorum: 5, sentinels: [] } };
            assert.deepStrictEqual(await loaded.check!({}, bad), await (provider as pulumi.dynamic.ResourceProvider).check!({}, bad));
            const moved = {
                ...g.inputs,
                sentinel: {
                    ...g.inputs.sentinel!,
                    sentinels: g.inputs.sentinel!.sentinels.map((s, i) => (i === 0 ? { ...s, ip: "10.0.0.9" } : s)),
                },
            };
            assert.deepStrictEqual(await loaded.diff!("id", outs, moved), { changes: true, replaces: [], deleteBeforeReplace: false });
            assert.deepStrictEqual(await loaded.diff!("id", outs, g.inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
            await assertNoCheckConnections([g.master, ...g.replicas, ...g.sentinels]);
        });
    });

    describe("when something breaks", () => {
        afterEach(async () => {
            await fleet?.stopAll();
        });

        it("fails within the timeout naming a stopped sentinel, and what the others see of it", async () => {
            const g = await startSentinelGroup(fleet!);
            assert.ifError((await timed(() => provider.create(g.inputs))).error);
            const s3 = g.sentinels[2]!;
            await s3.stop(true);
            const run = await timed(() => provider.create({ ...g.inputs, timeoutMs: 3000 }));
            log("stopped sentinel (timeout 3 s)", run.ms);
            assert.ok(run.error, "the check passed with a stopped sentinel");
            // "after 3s" in its lines: it failed at its deadline, still waiting.
            const lines = run.error.message.split("\n");
            assert.deepStrictEqual(
                lines.map((l) => l.slice(0, l.indexOf("): ") + 1)),
                g.sentinels.map((s) => `sentinel ${s.name} (${s.endpoint})`),
                run.error.message,
            );
            assert.strictEqual(
                lines[2],
                `sentinel ${s3.name} (${s3.endpoint}): connection refused after 3s: is the container running and its port published?`,
            );
            for (const line of lines.slice(0, 2)) {
                // down-after-milliseconds is 1 s: within 3 s both others flag it subjectively down.
                assert.match(line, new RegExp(`sees sentinel ${s3.name} \\(${HOST}:${s3.port}\\) with flags=\\S*s_down`));
            }
            assert.ok(lines[0]!.includes("after 3s"), lines[0]);
            await assertNoCheckConnections([g.master, ...g.replicas, ...g.sentinels]);
        });

        it("after a failover, finds the new master through Sentinel and verifies the others as its replicas", async () => {
            const g = await startSentinelGroup(fleet!);
            assert.ifError((await timed(() => provider.create(g.inputs))).error);

            const killedAt = Date.now();
            await g.master.stop(true);
            const oldAddr = g.master.endpoint;
            let newAddr = "";
            await pollUntil(
                "the sentinels to report a new master",
                20_000,
                async () => {
                    const addrs = await Promise.all(g.sentinels.map(reportedMaster));
                    newAddr = addrs[0]!;
                    return newAddr !== oldAddr && addrs.every((a) => a === newAddr);
                },
                20,
            );
            log("master killed -> every sentinel reports the new master", Date.now() - killedAt);
            assert.ok(
                g.replicas.some((r) => r.endpoint === newAddr),
                `the sentinels report ${newAddr}, none of the replicas`,
            );

            // The old master comes back as a replica of the new one. (Left as a master, Sentinel would
            // convert it only after its 10 s INFO period plus failover-timeout, or 30 s more in TILT
            // mode on a loaded machine; tests/docker/sentinel.test.ts covers that conversion.)
            fs.appendFileSync(g.master.confFile, `replicaof ${newAddr.replace(":", " ")}\n`);
            await g.master.restart();
            // Settled: the sentinels agree on a master and every other node is its linked replica. With
            // down-after 1 s, a second failover right after the first is possible on a busy machine, so
            // the master is whatever the sentinels say now, not necessarily the first one promoted.
            const nodes = [g.master, ...g.replicas];
            const settled = async (): Promise<RedisNode | undefined> => {
                const addrs = await Promise.all(g.sentinels.map(reportedMaster));
                const master = nodes.find((n) => n.endpoint === addrs[0]);
                if (!master || addrs.some((a) => a !== addrs[0])) return undefined;
                for (const n of nodes.filter((x) => x !== master)) {
                    const c = n.client(); // fresh: Sentinel's reconfiguration ends with CLIENT KILL TYPE normal
                    try {
                        await c.connect();
                        const info = await infoReplication(c);
                        if (
                            info.role !== "slave" ||
                            `${info.master_host}:${info.master_port}` !== addrs[0] ||
                            info.master_link_status !== "up"
                        ) {
                            return undefined;
                        }
                    } finally {
                        c.disconnect();
                    }
                }
                return master;
            };
            let current: RedisNode | undefined;
            await pollUntil("the group to settle after the failover", 60_000, async () => (current = await settled()) !== undefined, 50);
            log("master killed -> old master back as a replica, group settled", Date.now() - killedAt);

            // The same inputs as at deployment: the check asks Sentinel which node is master now.
            const run = await timed(() => provider.create(g.inputs));
            log("check after the failover", run.ms);
            assert.ifError(run.error);
            const outs = run.value!.outs as ReplicationCheckOutputs;
            const after = await settled();
            if (after === current) {
                // No further failover while the check ran: it must have found exactly this master.
                assert.strictEqual(outs.currentMaster, current!.name);
                assert.strictEqual(outs.currentMasterEndpoint, current!.endpoint);
                assert.ok(
                    outs.sentinelStatus?.every((s) => s.master === current!.endpoint && s.numSlaves === 2 && s.numOtherSentinels === 2),
                );
            }
            assert.deepStrictEqual(
                outs.replicaStatus.map((r) => r.name).sort(),
                nodes
                    .map((n) => n.name)
                    .filter((n) => n !== outs.currentMaster)
                    .sort(),
            );
            assert.ok(outs.replicaStatus.every((r) => r.linkStatus === "up"));
            await assertNoCheckConnections([g.master, ...g.replicas, ...g.sentinels]);
        });
    });
});

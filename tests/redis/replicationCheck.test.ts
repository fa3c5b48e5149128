// The ReplicationCheck provider against real redis-server processes on 127.0.0.1: a healthy group
// passes, each kind of broken group fails with a message naming the node, the probe is really
// replicated and cleaned up, and the check's back-off keeps polling an unlinked replica often
// enough to pass soon after its link comes up. Behaviour is proved by what the nodes saw (their
// INFO and connection counts), never by a stopwatch; durations are only logged.
import * as assert from "assert";
import type { Redis } from "ioredis";
import { ReplicationCheckOutputs, replicationCheckProvider, verifyReadOnly } from "../../components/replicationCheck";
import {
    assertNoCheckConnections,
    countsOf,
    RedisFleet,
    RedisNode,
    infoReplication,
    inputsFor,
    LOCAL_POLL_MS,
    requireRedisServer,
    startGroup,
    timed,
    waitLinked,
} from "../support/redisProcesses";
import { pollUntil } from "../../harness/poll";

const provider = replicationCheckProvider;

async function connected(node: RedisNode): Promise<Redis> {
    const c = node.client();
    await c.connect();
    return c;
}

function log(what: string, ms: number): void {
    console.log(`      ${what}: ${ms} ms`);
}

describe("ReplicationCheck provider against redis-server", function () {
    let fleet: RedisFleet;

    before(function () {
        fleet = new RedisFleet(requireRedisServer(this));
    });
    afterEach(async () => {
        await fleet?.stopAll();
    });

    it("passes on a healthy master with two replicas, reporting offsets, lag and a duration", async () => {
        // Cold: checked as soon as the links are up, as after `docker run`.
        const g = await startGroup(fleet, 2, { warm: false });
        const inputs = inputsFor(g);
        const run = await timed(() => provider.create(inputs));
        log("healthy check, just after the full sync (create)", run.ms);
        assert.ifError(run.error);
        const res = run.value!;
        const outs = res.outs as ReplicationCheckOutputs;
        assert.match(res.id, /^replcheck-/);

        const masterInfo = await infoReplication(await connected(g.master));
        assert.match(outs.masterReplId, /^[0-9a-f]{40}$/);
        assert.strictEqual(outs.masterReplId, masterInfo.master_replid);
        assert.strictEqual(
            outs.verified,
            `master ${inputs.masterContainer} (${inputs.masterEndpoint}) with 2 linked, read-only replicas ` +
                `(${inputs.replicas.map((r) => r.name).join(", ")}), a probe write seen on each`,
        );
        assert.deepStrictEqual(
            outs.replicaStatus.map((r) => [r.name, r.endpoint, r.linkStatus]),
            inputs.replicas.map((r) => [r.name, r.endpoint, "up"]),
        );
        for (const r of outs.replicaStatus) {
            assert.ok(Number.isInteger(r.offset) && r.offset > 0, `offset of ${r.name}: ${r.offset}`);
            assert.ok(Number.isInteger(r.lagBytes) && r.lagBytes >= 0, `lagBytes of ${r.name}: ${r.lagBytes}`);
        }
        assert.ok(Number.isInteger(outs.durationMs) && outs.durationMs >= 0, `durationMs ${outs.durationMs}`);
        assert.strictEqual(new Date(Date.parse(outs.passedAt)).toISOString(), outs.passedAt, "passedAt is an ISO time");
        // Inputs are kept for diff, the password is not.
        assert.ok(!("password" in outs));
        assert.ok(!JSON.stringify(outs).includes(g.password));
        assert.deepStrictEqual(outs.containerIds, inputs.containerIds);
        await assertNoCheckConnections([g.master, ...g.replicas]);

        const upd = await timed(() => provider.update!(res.id, outs, inputs));
        log("healthy check again (update)", upd.ms);
        assert.ifError(upd.error);
        assert.strictEqual((upd.value!.outs as ReplicationCheckOutputs).replicaStatus.length, 2);
        await assertNoCheckConnections([g.master, ...g.replicas]);
    });

    it("fails within the timeout when a replica is stopped, naming that replica", async () => {
        const g = await startGroup(fleet, 2);
        const [, r2] = g.replicas;
        await r2!.stop(true);
        const run = await timed(() => provider.create(inputsFor(g, { timeoutMs: 3000 })));
        log("stopped replica (timeout 3 s)", run.ms);
        assert.ok(run.error, "the check passed with a stopped replica");
        // "after 3s": it failed at its deadline, still waiting for the replica.
        assert.deepStrictEqual(run.error.message.split("\n"), [
            `master redis-test-master (${g.master.endpoint}): connected_slaves=1 but 2 expected after 3s: not linked: redis-test-replica-2`,
            `replica redis-test-replica-2 (${r2!.endpoint}): connection refused after 3s: is the container running and its port published?`,
        ]);
        await assertNoCheckConnections([g.master, ...g.replicas]);
    });

    it("fails when replicas follow the wrong master, naming master_host:master_port and the expected master", async () => {
        const g = await startGroup(fleet, 2);
        const [r1, r2] = g.replicas as [RedisNode, RedisNode];
        const other = await fleet.start({ password: g.password });
        const nobody = await fleet.start();
        await nobody.stop(true); // a port where nothing listens
        await (await connected(r1)).call("REPLICAOF", "127.0.0.1", String(other.port));
        await (await connected(r2)).call("REPLICAOF", "127.0.0.1", String(nobody.port));
        await waitLinked(other, 1);
        await waitLinked(g.master, 0);

        const run = await timed(() => provider.create(inputsFor(g, { timeoutMs: 2000 })));
        log("wrong master (timeout 2 s)", run.ms);
        assert.ok(run.error, "the check passed with replicas following the wrong master");
        const m = g.master.port;
        assert.deepStrictEqual(run.error.message.split("\n"), [
            `master redis-test-master (${g.master.endpoint}): connected_slaves=0 but 2 expected after 2s: not linked: redis-test-replica-1, redis-test-replica-2`,
            `replica redis-test-replica-1 (${r1.endpoint}): master_host=127.0.0.1:${other.port} but the master is 127.0.0.1:${m} after 2s`,
            `replica redis-test-replica-2 (${r2.endpoint}): master_link_status=down after 2s; master_host=127.0.0.1:${nobody.port} but the master is 127.0.0.1:${m}`,
        ]);
        await assertNoCheckConnections([g.master, r1, r2, other]);
    });

    it("fails when master_host is not the master's IP (same port), as inside Docker", async () => {
        const g = await startGroup(fleet, 1);
        // Here replicas reach the master at 127.0.0.1; tell the check the master is 127.0.0.9.
        const run = await timed(() => provider.create(inputsFor(g, { masterIp: "127.0.0.9", timeoutMs: 1000 })));
        log("wrong master IP (timeout 1 s)", run.ms);
        assert.ok(run.error);
        assert.strictEqual(
            run.error.message,
            `replica redis-test-replica-1 (${g.replicas[0]!.endpoint}): master_host=127.0.0.1 but the master is 127.0.0.9 after 1s`,
        );
    });

    it("fails at once on a wrong password, as a password mismatch on every node", async () => {
        const g = await startGroup(fleet, 2);
        const nodes = [g.master, ...g.replicas];
        // A minute to wait, yet the first refused connection to each node ends the check.
        let counts = await Promise.all(nodes.map(countsOf));
        const run = await timed(() => provider.create(inputsFor(g, { password: "not-the-password", timeoutMs: 60_000 })));
        log("wrong password", run.ms);
        assert.ok(run.error);
        const why =
            "password mismatch (WRONGPASS invalid username-password pair or user is disabled.): the node does not take the check's password for user default";
        assert.deepStrictEqual(run.error.message.split("\n"), [
            `master redis-test-master (${g.master.endpoint}): ${why}`,
            `replica redis-test-replica-1 (${g.replicas[0]!.endpoint}): ${why}`,
            `replica redis-test-replica-2 (${g.replicas[1]!.endpoint}): ${why}`,
        ]);
        assert.deepStrictEqual(
            (await Promise.all(counts.map((c) => c()))).map((c) => c.connections),
            [1, 1, 1],
            "one connection to each node, and no retry",
        );
        assert.ok(!run.error.message.includes("not-the-password") && !run.error.message.includes(g.password));
        await assertNoCheckConnections(nodes);

        counts = await Promise.all(nodes.map(countsOf));
        const none = await timed(() => provider.create(inputsFor(g, { password: undefined, timeoutMs: 60_000 })));
        log("no password", none.ms);
        assert.ok(none.error);
        assert.strictEqual(
            none.error.message.split("\n")[0],
            `master redis-test-master (${g.master.endpoint}): password mismatch (NOAUTH Authentication required.): the node requires a password but the check was given none`,
        );
        assert.deepStrictEqual(
            (await Promise.all(counts.map((c) => c()))).map((c) => c.connections),
            [1, 1, 1],
            "one connection to each node, and no retry",
        );
    });

    it("fails at once on a replica that accepts writes", async () => {
        const g = await startGroup(fleet, 2);
        const r2 = g.replicas[1]!;
        await (await connected(r2)).call("CONFIG", "SET", "replica-read-only", "no");
        const nodes = [g.master, ...g.replicas];
        const counts = await Promise.all(nodes.map(countsOf));
        const run = await timed(() => provider.create(inputsFor(g, { timeoutMs: 60_000 })));
        log("writable replica", run.ms);
        assert.ok(run.error);
        assert.strictEqual(
            run.error.message,
            `replica redis-test-replica-2 (${r2.endpoint}): accepts writes (slave_read_only:0): replica-read-only is off; set replica-read-only yes`,
        );
        // One poll: a single INFO on each node, then the check gave up without waiting.
        assert.deepStrictEqual(
            (await Promise.all(counts.map((c) => c()))).map((c) => c.info),
            [1, 1, 1],
        );
        await assertNoCheckConnections(nodes);
    });

    it("tells read-only by a refused write when CONFIG is renamed and INFO says nothing", async () => {
        const g = await startGroup(fleet, 0);
        const rename = ['rename-command CONFIG ""'];
        const ro = await fleet.start({ password: g.password, replicaOf: g.master.port, extraConfig: rename });
        const rw = await fleet.start({ password: g.password, replicaOf: g.master.port, extraConfig: rename, readOnly: false });
        await waitLinked(g.master, 2);
        const key = () => "unit-probe";
        const roClient = await connected(ro);
        await assert.rejects(roClient.call("CONFIG", "GET", "replica-read-only"), /unknown command/);
        assert.strictEqual(await verifyReadOnly(roClient, {}, key), true);
        const rwClient = await connected(rw);
        assert.deepStrictEqual(await verifyReadOnly(rwClient, {}, key), {
            what: "accepts writes (a test SET succeeded)",
            hint: "replica-read-only is off; set replica-read-only yes",
            fatal: true,
        });
        assert.strictEqual(await rwClient.dbsize(), 0, "the throwaway key was not removed");
    });

    it("really replicates its probe: seen on every replica, then gone from every node", async () => {
        const g = await startGroup(fleet, 2);
        const nodes = [g.master, ...g.replicas];
        const before = await Promise.all(
            g.replicas.map(async (r) => Number((await infoReplication(await connected(r))).slave_repl_offset)),
        );
        // MONITOR each node: on a replica it also shows what arrives over the replication link.
        const seen: { args: string[]; source: string }[][] = nodes.map(() => []);
        const monitors = await Promise.all(
            nodes.map(async (n, i) => {
                const mon = await (await connected(n)).monitor();
                mon.on("monitor", (_time: string, args: string[], source: string) => seen[i]!.push({ args, source }));
                return mon;
            }),
        );
        try {
            const run = await timed(() => provider.create(inputsFor(g)));
            log("probe check", run.ms);
            assert.ifError(run.error);
            const outs = run.value!.outs as ReplicationCheckOutputs;

            const isProbe = (a: string[]) => (a[1] ?? "").startsWith("__pulumi_replcheck:");
            const cmd = (e: { args: string[] }) => (e.args[0] ?? "").toUpperCase();
            await pollUntil(
                "MONITOR to show the probe's DEL on every node",
                2000,
                async () => seen.every((s) => s.some((e) => cmd(e) === "DEL" && isProbe(e.args))),
                LOCAL_POLL_MS,
            );
            const masterSet = seen[0]!.find((e) => cmd(e) === "SET" && isProbe(e.args));
            assert.ok(masterSet, "no probe SET on the master");
            const [, key, value] = masterSet.args;
            assert.strictEqual(masterSet.args[3]?.toUpperCase(), "PX", "the probe has a TTL");
            assert.ok(
                seen[0]!.some((e) => cmd(e) === "WAIT" && e.args[1] === "2"),
                "no WAIT 2 on the master",
            );
            g.replicas.forEach((r, i) => {
                const s = seen[i + 1]!;
                const fromLink = (e: { source: string }) => e.source.endsWith(`:${g.master.port}`);
                assert.ok(
                    s.some((e) => cmd(e) === "SET" && e.args[1] === key && e.args[2] === value && fromLink(e)),
                    `${r.endpoint}: probe SET not replicated`,
                );
                assert.ok(
                    s.some((e) => cmd(e) === "GET" && e.args[1] === key && !fromLink(e)),
                    `${r.endpoint}: the check did not read the probe back`,
                );
                assert.ok(
                    s.some((e) => cmd(e) === "DEL" && e.args[1] === key && fromLink(e)),
                    `${r.endpoint}: probe DEL not replicated`,
                );
                assert.ok(outs.replicaStatus[i]!.offset > before[i]!, `offset of ${r.endpoint} did not advance`);
            });
            for (const n of nodes) {
                const c = await connected(n);
                const [, keys] = await c.scan("0", "MATCH", "__pulumi_replcheck:*", "COUNT", 1000);
                assert.deepStrictEqual(keys, [], `probe keys left on ${n.endpoint}`);
                assert.strictEqual(await c.dbsize(), 0, `keys left on ${n.endpoint}`);
            }
        } finally {
            for (const m of monitors) {
                m.disconnect();
            }
        }
    });

    it("polls an unlinked replica at a capped back-off, and passes within a poll or two of its link coming up", async () => {
        const g = await startGroup(fleet, 2);
        const r2 = g.replicas[1]!;
        const admin = await connected(r2);
        await admin.call("REPLICAOF", "NO", "ONE");
        await waitLinked(g.master, 1);

        // Every poll of the check is one INFO on replica-2 (INFO on it from anyone else would count too).
        const polls = await countsOf(r2);
        const checking = timed(() => provider.create(inputsFor(g, { timeoutMs: 30_000 })));
        // From 10 ms the interval doubles to its 50 ms cap, so 40 polls take about 2 s. Uncapped, the
        // 12th poll would come 20 s in; with a cap of 250 ms, the 40th only after 10 s.
        await pollUntil("the check to poll the unlinked replica 40 times", 10_000, async () => (await polls()).info >= 40, LOCAL_POLL_MS);
        await admin.call("REPLICAOF", "127.0.0.1", String(g.master.port));
        // Seen from the master, so that replica-2 gets no INFO but the check's.
        await waitLinked(g.master, 2);
        const atLinkUp = (await polls()).info;
        const run = await checking;
        assert.ifError(run.error);
        const after = (await polls()).info - atLinkUp;
        log("check duration", run.ms);
        console.log(`      polls of replica-2: ${atLinkUp} before its link was up, ${after} after`);
        // After the link: the poll that sees it up, perhaps one whose master INFO predates it, and the final status read.
        assert.ok(after <= 3, `${after} INFO on replica-2 after its link came up`);
        assert.strictEqual((run.value!.outs as ReplicationCheckOutputs).replicaStatus[1]?.linkStatus, "up");
        await assertNoCheckConnections([g.master, ...g.replicas]);
    });
});

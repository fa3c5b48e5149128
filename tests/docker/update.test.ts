// Every `pulumi up` after the first, on the real engine: the program's RedisReplicationGroup is
// deployed, then deployed again with a change, through the live backend's update model
// (harness/liveDocker/update). Each scenario asserts the planned steps, that every key
// acknowledged before (and, with a writer, during) the up is still there on every data node,
// and that the check passed. Each has its own label, subnet and host ports, and is torn down
// even when it fails.
import { strict as assert } from "assert";
import { dockerClient } from "../../harness/docker";
import type { UpResult } from "../../harness/groupStack";
import { promiseOf } from "../../harness/pulumi";
import { AckedWriter } from "../../harness/writer";
import {
    assertOneAtATime,
    assertSideBySide,
    changed,
    imagesOf,
    isContainer,
    missing,
    opsOf,
    PASSWORD,
    scenario,
} from "../support/updateScenario";

describe("update 1: a no-op up changes nothing (cpus, memory and sentinels set)", function () {
    this.timeout(240_000);
    const s = scenario(1);
    const args = () => s.args({ resources: { cpus: 1, memoryMb: 128 }, sentinel: {} });
    let first: UpResult;

    before(async function () {
        await s.start(this);
        first = await s.up(args());
    });
    after(async () => s.destroy());

    it("plans every resource as same on the second up: no update, no replacement, the check not re-run", async () => {
        const ids = await imagesOf(["rr-upd-1-master", "rr-upd-1-replica-1", "rr-upd-1-replica-2"]);
        const again = await s.up(args());
        assert.deepStrictEqual(changed(again.steps), []);
        assert.strictEqual(again.steps.length, first.steps.length, "every resource of the first up was planned again");
        assert.deepStrictEqual(await imagesOf(["rr-upd-1-master", "rr-upd-1-replica-1", "rr-upd-1-replica-2"]), ids);
        assert.strictEqual(again.replication.passedAt, first.replication.passedAt, "the check's outputs are the first up's");
        console.log(`      no-op up: ${again.ms} ms`);
    });
});

describe("update 2: an image change rolls every node to the new image, replicas first, the master last", function () {
    this.timeout(300_000);
    const s = scenario(2);
    let keys: string[] = [];

    before(async function () {
        keys = await s.deployWithKeys(this);
    });
    after(async () => {
        await s.destroy();
        await dockerClient()
            .getImage("redis-replication-test/base:update-b")
            .remove()
            .catch(() => undefined);
    });

    it("rebuilds in place, then replaces the containers one at a time; no acknowledged write is lost", async () => {
        // Another name for the same base: the build arg changes, so the built image gets a new ID.
        await dockerClient().getImage(s.base).tag({ repo: "redis-replication-test/base", tag: "update-b" });
        const writer = await AckedWriter.direct(s.masterPort, PASSWORD);
        let result: UpResult;
        try {
            result = await s.up(s.args({ image: { baseImage: "redis-replication-test/base:update-b" } }));
        } finally {
            await writer.stop();
        }
        const { steps } = result;
        assert.deepStrictEqual(
            opsOf(steps, (x) => x.name === "upd2-image"),
            ["update upd2-image"],
            "rebuilt, not replaced",
        );
        assert.deepStrictEqual(opsOf(steps, isContainer), ["replace upd2-replica-1", "replace upd2-replica-2", "replace upd2-master"]);
        assert.ok(steps.filter(isContainer).every((x) => x.deleteBeforeReplace === true));
        assertOneAtATime(steps, [
            "upd2-replica-1",
            "upd2-replica-1-rejoin",
            "upd2-replica-2",
            "upd2-replica-2-rejoin",
            "upd2-master",
            "upd2-master-rejoin",
            "upd2-check",
        ]);
        const digest = await promiseOf(
            result.group.imageName.apply(() => dockerClient().getImage("redis-replication/rr-upd-2:latest").inspect()),
        );
        assert.deepStrictEqual(await imagesOf(["rr-upd-2-master", "rr-upd-2-replica-1", "rr-upd-2-replica-2"]), [
            digest.Id,
            digest.Id,
            digest.Id,
        ]);
        const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
        assert.deepStrictEqual(await missing(ports, [...keys, ...writer.acked]), { [ports[0]!]: 0, [ports[1]!]: 0, [ports[2]!]: 0 });
        assert.ok(writer.acked.length > 0, "the writer got acknowledged writes during the up");
        console.log(
            `      image roll: ${result.ms} ms; writer: ${writer.acked.length} acknowledged, ${writer.failed} failed over ${writer.errorWindowMs} ms`,
        );
    });
});

describe("update 3: a cpus change replaces node by node, each back in the group before the next", function () {
    this.timeout(300_000);
    const s = scenario(3);
    let keys: string[] = [];

    before(async function () {
        keys = await s.deployWithKeys(this, { resources: { cpus: 1 } });
    });
    after(async () => s.destroy());

    let rollout: UpResult | undefined;

    it("replaces replica-1, replica-2, then the master; the writer loses no acknowledged write", async () => {
        const writer = await AckedWriter.direct(s.masterPort, PASSWORD);
        let result: UpResult;
        try {
            result = rollout = await s.up(s.args({ resources: { cpus: 2 } }));
        } finally {
            await writer.stop();
        }
        assert.deepStrictEqual(
            changed(result.steps).filter((x) => !x.includes("-rejoin")),
            [
                // Each node's boot settings follow its fingerprint: its container is replaced.
                "update upd3-replica-1-boot",
                "update upd3-replica-2-boot",
                "update upd3-master-boot",
                "replace upd3-replica-1",
                "replace upd3-replica-2",
                "replace upd3-master",
                "update upd3-check",
            ],
        );
        assertOneAtATime(result.steps, [
            "upd3-replica-1",
            "upd3-replica-1-rejoin",
            "upd3-replica-2",
            "upd3-replica-2-rejoin",
            "upd3-master",
            "upd3-master-rejoin",
        ]);
        const nano = await Promise.all(
            ["master", "replica-1", "replica-2"].map(
                async (k) => (await dockerClient().getContainer(`rr-upd-3-${k}`).inspect()).HostConfig.NanoCpus,
            ),
        );
        assert.deepStrictEqual(nano, [2e9, 2e9, 2e9]);
        const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
        assert.deepStrictEqual(await missing(ports, [...keys, ...writer.acked]), { [ports[0]!]: 0, [ports[1]!]: 0, [ports[2]!]: 0 });
        assert.deepStrictEqual(
            result.replication.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );
        console.log(
            `      rollout without sentinel: ${result.ms} ms; writer: ${writer.acked.length} acknowledged, ${writer.failed} failed over ${writer.errorWindowMs} ms`,
        );
    });

    it("created the data containers side by side on the first up, where none existed; the rollout replaced them one at a time", () => {
        const first = s.firstUp!.steps;
        const nodes = ["upd3-replica-1", "upd3-replica-2", "upd3-master"];
        assert.deepStrictEqual(opsOf(first, (x) => nodes.includes(x.name)).sort(), nodes.map((n) => `create ${n}`).sort());
        assertSideBySide(first, nodes);
        const replaced = rollout!.steps.filter((x) => nodes.includes(x.name));
        assert.deepStrictEqual(
            replaced.map((x) => `${x.op} ${x.name}`),
            nodes.map((n) => `replace ${n}`),
        );
        for (let i = 1; i < replaced.length; i++) {
            assert.ok(replaced[i]!.startedAt >= replaced[i - 1]!.endedAt, `${replaced[i]!.name} overlapped ${replaced[i - 1]!.name}`);
        }
    });
});

describe("update 4: with sentinels, a failover away from the master comes before its replacement", function () {
    this.timeout(300_000);
    const s = scenario(4);
    let keys: string[] = [];

    before(async function () {
        keys = await s.deployWithKeys(this, { resources: { cpus: 1 }, sentinel: {} });
    });
    after(async () => s.destroy());

    it("replaces node by node; the master hands over first; a Sentinel client loses no acknowledged write", async () => {
        const first = await s.up(s.args({ resources: { cpus: 1 }, sentinel: {} }));
        assert.deepStrictEqual(changed(first.steps), []);
        const recipe = (await promiseOf(first.group.sentinelClient))!;
        const writer = await AckedWriter.start(recipe, PASSWORD);
        let result: UpResult;
        try {
            result = await s.up(s.args({ resources: { cpus: 2 }, sentinel: {} }));
        } finally {
            await writer.stop();
        }
        assert.deepStrictEqual(
            opsOf(result.steps, isContainer).filter((x) => !x.includes("sentinel")),
            ["replace upd4-replica-1", "replace upd4-replica-2", "replace upd4-master"],
        );
        assertOneAtATime(result.steps, [
            "upd4-replica-1",
            "upd4-replica-1-rejoin",
            "upd4-replica-2",
            "upd4-replica-2-rejoin",
            "upd4-master-handover",
            "upd4-master",
            "upd4-master-rejoin",
            "upd4-check",
        ]);
        const handover = result.steps.find((x) => x.name === "upd4-master-handover")!;
        assert.strictEqual(handover.op, "update", "the master's handover ran: it failed over before the master was replaced");
        assert.notStrictEqual(result.replication.master, "rr-upd-4-master", "a replica was promoted, and the check follows it");
        const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
        assert.deepStrictEqual(await missing(ports, [...keys, ...writer.acked]), { [ports[0]!]: 0, [ports[1]!]: 0, [ports[2]!]: 0 });
        assert.ok(writer.acked.length > 0);
        console.log(
            `      rollout with sentinel: ${result.ms} ms; master now ${result.replication.master}; writer: ${writer.acked.length} acknowledged, ${writer.failed} failed over ${writer.errorWindowMs} ms`,
        );
    });

    it("after that failover, scales 2 -> 3 -> 2: the new replica follows the current master, the sentinels forget the removed one", async () => {
        const up3 = await s.up(s.args({ resources: { cpus: 2 }, sentinel: {}, replicaCount: 3 }));
        assert.deepStrictEqual(
            opsOf(up3.steps, (x) => isContainer(x) && x.op !== "same"),
            ["create upd4-replica-3"],
        );
        assert.notStrictEqual(up3.replication.master, "rr-upd-4-master", "still the promoted node");
        assert.strictEqual(up3.replication.replicas.length, 3);
        assert.ok(up3.replication.sentinels!.every((x) => x.numSlaves === 3));
        const up2 = await s.up(s.args({ resources: { cpus: 2 }, sentinel: {}, replicaCount: 2 }));
        assert.deepStrictEqual(
            opsOf(up2.steps, (x) => isContainer(x) && x.op !== "same"),
            ["delete upd4-replica-3"],
        );
        assert.ok(
            up2.replication.sentinels!.every((x) => x.numSlaves === 2),
            "every sentinel forgot the removed replica",
        );
        const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
        assert.deepStrictEqual(await missing(ports, keys), { [ports[0]!]: 0, [ports[1]!]: 0, [ports[2]!]: 0 });
    });
});

describe("update 5 and 6: scaling 2 -> 4 -> 1 leaves the master and the surviving replicas alone", function () {
    this.timeout(300_000);
    const s = scenario(5);
    let keys: string[] = [];

    before(async function () {
        keys = await s.deployWithKeys(this);
    });
    after(async () => s.destroy());

    it("scales up 2 -> 4: the new replicas are created and synced, nothing else replaced, the check expects 4", async () => {
        const result = await s.up(s.args({ replicaCount: 4 }));
        assert.deepStrictEqual(opsOf(result.steps, isContainer).sort(), [
            "create upd5-replica-3",
            "create upd5-replica-4",
            "same upd5-master",
            "same upd5-replica-1",
            "same upd5-replica-2",
        ]);
        // New nodes are in no rollout chain: created side by side.
        assertSideBySide(result.steps, ["upd5-replica-3", "upd5-replica-4"]);
        assert.strictEqual(result.replication.replicas.length, 4);
        const ports = [0, 1, 2, 3, 4].map((i) => s.masterPort + i);
        assert.deepStrictEqual(await missing(ports, keys), Object.fromEntries(ports.map((p) => [p, 0])));
    });

    it("scales down 4 -> 1: the removed replicas are detached before the check and deleted after it", async () => {
        const result = await s.up(s.args({ replicaCount: 1 }));
        assert.deepStrictEqual(
            opsOf(result.steps, (x) => isContainer(x) && x.op !== "delete"),
            ["same upd5-replica-1", "same upd5-master"],
        );
        assert.deepStrictEqual(opsOf(result.steps, (x) => isContainer(x) && x.op === "delete").sort(), [
            "delete upd5-replica-2",
            "delete upd5-replica-3",
            "delete upd5-replica-4",
        ]);
        const check = result.steps.find((x) => x.name === "upd5-check")!;
        assert.strictEqual(check.op, "update");
        assert.ok(
            result.steps.filter((x) => x.op === "delete").every((d) => d.startedAt >= check.endedAt),
            "deletes come after the check",
        );
        assert.deepStrictEqual(
            result.replication.replicas.map((r) => r.name),
            ["rr-upd-5-replica-1"],
        );
        assert.deepStrictEqual(await missing([s.masterPort, s.masterPort + 1], keys), { [s.masterPort]: 0, [s.masterPort + 1]: 0 });
    });
});

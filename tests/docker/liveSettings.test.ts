// Live changes on the real engine, through the live backend's update model: settings a running
// node takes with CONFIG SET change with no container replaced, and survive a restart; a value
// Redis refuses fails the `up` with every node left as it was; a restart setting still rolls
// node by node; and a password rotation under a writer and a link watcher fails no command and
// drops no link, without and with sentinels, after which the old password is refused everywhere.
import { strict as assert } from "assert";
import type { Redis } from "ioredis";
import { ADMIN_USER } from "../../components/acl";
import { dockerClient } from "../../harness/docker";
import type { UpResult } from "../../harness/groupStack";
import { LinkReport, LinkWatcher } from "../../harness/linkWatcher";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { authWith, withClient } from "../../harness/redisClient";
import { AckedWriter } from "../../harness/writer";
import { untilEverySentinelUsable } from "../support/sentinelGroup";
import { changed, isContainer, missing, opsOf, PASSWORD, scenario, ScenarioFamily } from "../support/updateScenario";

const LIVE: ScenarioFamily = { prefix: "live", portBase: 7700, subnetOctet: 97 };
const NEXT = "rotated-Scenario-Passw0rd";

/** CONFIG GET of one directive on each data node, by host port, as the admin user. */
async function valuesOf(ports: number[], directive: string, admin: string): Promise<string[]> {
    const get = async (c: Redis) => ((await c.call("CONFIG", "GET", directive)) as string[])[1]!;
    return Promise.all(ports.map((p) => withClient(p, admin, get, { username: ADMIN_USER })));
}

/** The container IDs of the named containers. */
async function idsOf(names: string[]): Promise<string[]> {
    return Promise.all(names.map(async (n) => (await dockerClient().getContainer(n).inspect()).Id));
}

describe("live 1: live settings change on the running nodes; a refused value leaves every node as it was; a restart setting rolls", function () {
    this.timeout(300_000);
    const s = scenario(1, LIVE);
    const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
    const containers = ["rr-live-1-master", "rr-live-1-replica-1", "rr-live-1-replica-2"];
    const liveArgs = () =>
        s.args({
            maxmemoryPolicy: "allkeys-lru",
            replication: { minReplicasToWrite: 1 },
            redisConfig: { "lazyfree-lazy-eviction": "yes" },
        });
    let keys: string[] = [];

    before(async function () {
        keys = await s.deployWithKeys(this);
    });
    after(async () => s.destroy());

    it("applies maxmemory-policy, min-replicas-to-write and a free-form directive with no container replaced; a restarted node keeps them", async () => {
        const ids = await idsOf(containers);
        const result = await s.up(liveArgs());
        assert.deepStrictEqual(
            opsOf(result.steps, (x) => isContainer(x) && x.op !== "same"),
            [],
            "no container replaced or updated",
        );
        assert.deepStrictEqual(changed(result.steps), ["update live1-live-config", "update live1-check"]);
        assert.deepStrictEqual(await idsOf(containers), ids);
        assert.strictEqual(result.replication.configGeneration, 2, "the check verified the new generation");
        assert.deepStrictEqual(await valuesOf(ports, "maxmemory-policy", s.admin), ["allkeys-lru", "allkeys-lru", "allkeys-lru"]);
        assert.deepStrictEqual(await valuesOf(ports, "min-replicas-to-write", s.admin), ["1", "1", "1"]);
        assert.deepStrictEqual(await valuesOf(ports, "lazyfree-lazy-eviction", s.admin), ["yes", "yes", "yes"]);
        await dockerClient().getContainer("rr-live-1-replica-1").restart({ t: 5 });
        const restarted = await pollUntil("replica-1 back after its restart", 30_000, () =>
            valuesOf([ports[1]!], "maxmemory-policy", s.admin).catch(() => undefined),
        );
        assert.deepStrictEqual(restarted, ["allkeys-lru"], "the restarted node read it from its rewritten redis.conf");
        assert.deepStrictEqual(await valuesOf([ports[1]!], "lazyfree-lazy-eviction", s.admin), ["yes"]);
        const again = await s.up(liveArgs());
        assert.deepStrictEqual(changed(again.steps), [], "the next up is a no-op");
        console.log(`      live change: ${result.ms} ms`);
    });

    it("fails on a value Redis refuses, naming the node and quoting Redis, and every node keeps its old value", async () => {
        const ids = await idsOf(containers);
        await assert.rejects(
            s.up(
                s.args({
                    maxmemoryPolicy: "allkeys-lru",
                    replication: { minReplicasToWrite: 1 },
                    redisConfig: { "lazyfree-lazy-eviction": "no", maxmemory: "12parsecs" },
                }),
            ),
            /rr-live-1-replica-\d refused CONFIG SET lazyfree-lazy-eviction "no", maxmemory "12parsecs": ERR CONFIG SET failed \(possibly related to argument 'maxmemory'\) - argument must be a memory value\. No node was changed\./,
        );
        assert.deepStrictEqual(await idsOf(containers), ids, "no container replaced");
        assert.deepStrictEqual(await valuesOf(ports, "maxmemory", s.admin), ["0", "0", "0"]);
        assert.deepStrictEqual(await valuesOf(ports, "lazyfree-lazy-eviction", s.admin), ["yes", "yes", "yes"]);
        const back = await s.up(liveArgs());
        assert.deepStrictEqual(changed(back.steps), [], "the declared state is the running one again");
    });

    it("rolls a restart setting (databases) node by node; the new containers start with the live settings too", async () => {
        const result = await s.up(
            s.args({
                maxmemoryPolicy: "allkeys-lru",
                replication: { minReplicasToWrite: 1 },
                redisConfig: { "lazyfree-lazy-eviction": "yes", databases: "32" },
            }),
        );
        assert.deepStrictEqual(opsOf(result.steps, isContainer), [
            "replace live1-replica-1",
            "replace live1-replica-2",
            "replace live1-master",
        ]);
        assert.deepStrictEqual(await valuesOf(ports, "databases", s.admin), ["32", "32", "32"]);
        assert.deepStrictEqual(await valuesOf(ports, "maxmemory-policy", s.admin), ["allkeys-lru", "allkeys-lru", "allkeys-lru"]);
        assert.deepStrictEqual(await missing(ports, keys), { [ports[0]!]: 0, [ports[1]!]: 0, [ports[2]!]: 0 });
    });
});

/** A rotation to NEXT under a writer and a link watcher; returns what they saw. */
async function rotate(
    s: ReturnType<typeof scenario>,
    over: Parameters<typeof s.args>[0],
    writer: AckedWriter,
    masterPort: number,
    replicaPorts: number[],
) {
    const watcher = await LinkWatcher.start(masterPort, replicaPorts, s.admin, { username: ADMIN_USER });
    let result: UpResult;
    let links: LinkReport;
    try {
        result = await s.up(s.args({ ...over, password: NEXT }));
    } finally {
        await writer.stop();
        links = await watcher.stop();
    }
    return { result, links };
}

describe("live 2 and 3: a password rotation fails no command and drops no link; the old password is refused afterwards", function () {
    this.timeout(300_000);

    it("without sentinels", async function () {
        const s = scenario(2, LIVE);
        try {
            const keys = await s.deployWithKeys(this);
            const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
            const writer = await AckedWriter.direct(s.masterPort, PASSWORD);
            const { result, links } = await rotate(s, {}, writer, s.masterPort, ports.slice(1));
            assert.deepStrictEqual(
                opsOf(result.steps, (x) => isContainer(x) && x.op !== "same"),
                [],
            );
            assert.deepStrictEqual(writer.errors, {}, "no failed command");
            assert.ok(writer.acked.length > 0);
            assert.deepStrictEqual([links.drops, links.fullSyncs, links.partialSyncs], [0, 0, 0], "no link dropped or resynced");
            assert.deepStrictEqual(await Promise.all(ports.map((p) => authWith(p, PASSWORD))), ["WRONGPASS", "WRONGPASS", "WRONGPASS"]);
            assert.deepStrictEqual(await Promise.all(ports.map((p) => authWith(p, NEXT))), ["ok", "ok", "ok"]);
            assert.deepStrictEqual(await missingWith(ports, [...keys, ...writer.acked]), [0, 0, 0]);
            console.log(
                `      rotation without sentinel: ${result.ms} ms; writer ${writer.acked.length} acknowledged, ${writer.failed} failed`,
            );
        } finally {
            await s.destroy();
        }
    });

    it("with sentinels: they keep their quorum and their view of the group", async function () {
        const s = scenario(3, LIVE);
        try {
            const keys = await s.deployWithKeys(this, { sentinel: {} });
            const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
            const first = await s.up(s.args({ sentinel: {} }));
            const recipe = (await promiseOf(first.group.sentinelClient))!;
            const sentinelPorts = recipe.sentinels.map((x) => x.port);
            const writer = await AckedWriter.start(recipe, PASSWORD);
            const { result, links } = await rotate(s, { sentinel: {} }, writer, s.masterPort, ports.slice(1));
            assert.deepStrictEqual(
                opsOf(result.steps, (x) => isContainer(x) && x.op !== "same"),
                [],
            );
            assert.deepStrictEqual(writer.errors, {}, "no failed command");
            assert.deepStrictEqual([links.drops, links.fullSyncs, links.partialSyncs], [0, 0, 0], "no link dropped or resynced");
            assert.strictEqual(result.replication.master, "rr-live-3-master", "no failover");
            assert.ok(result.replication.sentinels!.every((x) => x.numSlaves === 2 && x.numOtherSentinels === 2));
            for (const port of [...ports, ...sentinelPorts]) {
                assert.strictEqual(await authWith(port, PASSWORD), "WRONGPASS", `${port} refuses the old password`);
            }
            for (const port of sentinelPorts) {
                await untilEverySentinelUsable(`sentinel ${port}`, 3, () =>
                    withClient(port, NEXT, async (c) => String(await c.call("SENTINEL", "CKQUORUM", recipe.name))),
                );
            }
            assert.deepStrictEqual(await missingWith(ports, [...keys, ...writer.acked]), [0, 0, 0]);
            console.log(
                `      rotation with sentinel: ${result.ms} ms; writer ${writer.acked.length} acknowledged, ${writer.failed} failed`,
            );
        } finally {
            await s.destroy();
        }
    });
});

/** How many of keys each data node lacks, asked with the new password. */
async function missingWith(ports: number[], keys: string[]): Promise<number[]> {
    const byPort = await missing(ports, keys, NEXT);
    return ports.map((p) => byPort[p]!);
}

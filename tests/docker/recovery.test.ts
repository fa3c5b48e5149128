// Day 2 on the real engine, through the live backend's update model: a group without and one with
// three sentinels live through a sequence of changes under a writer (addresses, image, resources,
// restart policy, password, users, settings, counts), each `up` ending with the check passed,
// every acknowledged write on every data node, and the sentinels reporting the master where it
// runs. With the master failed over by hand first, a rollout fails over once, and replaces the
// sentinels one at a time. On the simulated hosts, a host lost in a power cut is replaced with one
// `up` (hosts.c.lost, a new host d), and a later `up` that drops it changes nothing else. A
// rotation whose commit fails, then the old password again, leaves only the old one admitted.
// Subnets 10.90.<n>.0/24 and 10.95.0.0/24; host ports 8310-8339, 28310-28339, 7351-7353, 27351-27353.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import type { RedisReplicationGroupArgs } from "../../components";
import { dockerClient } from "../../harness/docker";
import { GroupStack, UpResult } from "../../harness/groupStack";
import { replaceLostHost, simHostsArg, wipeLostHost } from "../../harness/hostLoss";
import { copyImageToHosts, removeSimHosts, SimHost, simHostClient, simHostsAnswer, startSimHosts } from "../../harness/hosts";
import { ensureBaseImage } from "../../harness/image";
import { onRegistration, requireDocker } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { withClient } from "../../harness/redisClient";
import { dayTwo, NEW_PASSWORD, OTHER_BASE, portOf, REC, sentinelMasters } from "../support/dayTwo";
import { PROJECT } from "../support/stackConfig";
import { assertOneAtATime, changed, failureOf, isContainer, opsOf, PASSWORD } from "../support/updateScenario";

for (const [n, withSentinels] of [
    [1, false],
    [2, true],
] as const) {
    describe(`recovery ${n}: every day-2 change applies ${withSentinels ? "with 3 sentinels" : "without sentinels"}, under a writer`, function () {
        this.timeout(600_000);
        const day = dayTwo(n, withSentinels);

        before(async function () {
            await day.s.start(this);
            await dockerClient().getImage(day.s.base).tag({ repo: "redis-replication-test/base", tag: "recovery-b" });
            day.state.last = await day.s.up(day.args());
        });
        after(async () => {
            console.log(
                [
                    `      change matrix, ${withSentinels ? "3 sentinels" : "no sentinels"}:`,
                    "| change | up ms | containers changed | acked | failed writes | write_error_ms | failovers | check |",
                    ...day.table,
                ]
                    .map((l) => `      ${l}`)
                    .join("\n"),
            );
            await day.s.destroy();
        });

        const changes: [string, (spec: Partial<RedisReplicationGroupArgs>) => void][] = [
            ["master.hostPort", (spec) => (spec.master = { ...spec.master!, hostPort: day.s.masterPort + 5 })],
            ["replicas[0].hostPort", (spec) => (spec.replicas![0] = { ...spec.replicas![0]!, hostPort: day.s.masterPort + 6 })],
            ["replicas[1].ip", (spec) => (spec.replicas![1] = { ...spec.replicas![1]!, ip: `10.${REC.subnetOctet}.${n}.14` })],
            ["image", (spec) => (spec.image = { baseImage: OTHER_BASE })],
            ["resources.cpus and memoryMb", (spec) => (spec.resources = { cpus: 1, memoryMb: 256 })],
            ["restart", (spec) => (spec.restart = "on-failure")],
            ["password", () => (day.state.password = NEW_PASSWORD)],
            [
                "users and disabledCommands",
                (spec) => {
                    spec.users = [{ name: "app", password: "recovery-App-Passw0rd", rules: "~app:* +@read +@write" }];
                    spec.disabledCommands = ["KEYS"];
                },
            ],
            ["a live redisConfig setting", (spec) => (spec.redisConfig = { "slowlog-log-slower-than": "5000" })],
            ["a restart redisConfig setting", (spec) => (spec.redisConfig = { ...spec.redisConfig, databases: "20" })],
            ["maxmemory", (spec) => (spec.maxmemory = "64mb")],
            ["replicas 2 -> 3", (spec) => spec.replicas!.push({ ip: `10.${REC.subnetOctet}.${n}.5`, hostPort: day.s.masterPort + 3 })],
            ["replicas 3 -> 2", (spec) => spec.replicas!.pop()],
        ];
        if (withSentinels) {
            const sentinelNode = (i: number) => ({ ip: `10.${REC.subnetOctet}.${n}.${250 - i}`, hostPort: day.s.masterPort + 20_000 + i });
            changes.push(
                ["sentinels 3 -> 5", (spec) => (spec.sentinel = { nodes: [0, 1, 2, 3, 4].map(sentinelNode) })],
                ["sentinels 5 -> 3", (spec) => (spec.sentinel = { nodes: [0, 1, 2].map(sentinelNode) })],
                ["quorum 2 -> 3", (spec) => (spec.sentinel = { ...spec.sentinel, quorum: 3 })],
            );
        }
        for (const [label, change] of changes) {
            it(`applies ${label}: the check passes, no acknowledged write is lost${withSentinels ? ", the sentinels report the master" : ""}`, async () => {
                const result = await day.upUnderWriter(label, change);
                assert.ok(result.replication.verified.length > 0);
                if (label === "password") {
                    const port = portOf(await promiseOf(result.group.masterEndpoint));
                    // Logged in with the new one, the old one is refused (an AUTH refused on connect shows only as "Connection is closed").
                    await withClient(port, NEW_PASSWORD, async (c) => {
                        await assert.rejects(c.call("AUTH", "default", PASSWORD), /WRONGPASS/);
                    });
                }
            });
        }
    });
}

describe("recovery 3: after a failover by hand, a rollout fails over once and replaces the sentinels one at a time", function () {
    this.timeout(600_000);
    const day = dayTwo(3, true);

    before(async function () {
        await day.s.start(this);
        day.state.last = await day.s.up(day.args());
    });
    after(async () => day.s.destroy());

    it("orders the rollout by the master Sentinel reports: the others first, one +switch-master, no acknowledged write lost", async () => {
        const group = day.state.last!.group;
        const sentinelPorts = (await promiseOf(group.sentinelEndpoints)).map(portOf);
        await withClient(sentinelPorts[0]!, PASSWORD, (c) => c.call("SENTINEL", "FAILOVER", day.masterName));
        const promoted = await pollUntil("the sentinels to report a replica as master", 30_000, async () => {
            const masters = await sentinelMasters(sentinelPorts, PASSWORD, day.masterName);
            return masters.every((m) => m === masters[0] && m !== day.addressOf("rr-rec-3-master")) && masters[0];
        });
        const current = ["rr-rec-3-replica-1", "rr-rec-3-replica-2"].find((name) => day.addressOf(name) === promoted)!;
        const result = await day.upUnderWriter("resources.cpus after a failover by hand", (spec) => (spec.resources = { cpus: 1 }));
        const key = current.slice("rr-rec-3-".length);
        const others = ["replica-1", "replica-2", "master"].filter((k) => k !== key);
        assert.deepStrictEqual(
            opsOf(result.steps, isContainer).filter((x) => !x.includes("sentinel")),
            [...others, key].map((k) => `replace rec3-${k}`),
        );
        assertOneAtATime(result.steps, [
            ...others.flatMap((k) => [`rec3-${k}`, `rec3-${k}-rejoin`]),
            `rec3-${key}-handover`,
            `rec3-${key}`,
        ]);
        const row = day.table[day.table.length - 1]!;
        assert.match(row, /\| 1 \| passed \|$/, `exactly one failover: ${row}`);
        assert.notStrictEqual(result.replication.master, current, "the node the sentinels reported was handed over, once");
    });

    it("replaced the sentinels one at a time: each back with its quorum before the next went", () => {
        const steps = day.state.last!.steps;
        assert.deepStrictEqual(
            changed(steps).filter((x) => /sentinel-\d$/.test(x)),
            ["replace rec3-sentinel-1", "replace rec3-sentinel-2", "replace rec3-sentinel-3"],
        );
        assertOneAtATime(steps, [
            "rec3-sentinel-1",
            "rec3-sentinel-1-rejoin",
            "rec3-sentinel-2",
            "rec3-sentinel-2-rejoin",
            "rec3-sentinel-3",
            "rec3-sentinel-3-rejoin",
        ]);
    });
});

describe("recovery 4: a host lost for good is replaced with one up (hosts.c.lost and a new host d)", function () {
    this.timeout(900_000);
    const GROUP = "rr-lost";
    const LABEL = "recovery-lost";
    const LOST_PASSWORD = "recovery-Lost-Passw0rd";
    let sim: SimHost[] = [];
    let hostsFound = true;
    let stack: GroupStack | undefined;
    let deployed: UpResult;
    let base = "";

    const args = (names: string[], lost: string[] = []): RedisReplicationGroupArgs => ({
        name: GROUP,
        hosts: simHostsArg(sim, names, lost),
        network: { subnet: "10.95.0.0/24" },
        master: { hostPort: 7351 },
        replicaCount: 2,
        password: LOST_PASSWORD,
        image: { baseImage: base },
        // A crash failover within seconds: the test cuts a host's power.
        sentinel: { downAfterMilliseconds: 1000 },
    });
    /** The group's containers on a simulated host, by name. */
    const namesOn = async (h: SimHost): Promise<string[]> =>
        (await simHostClient(h).listContainers({ filters: JSON.stringify({ label: [`redis-replication.group=${GROUP}`] }) }))
            .map((c) => c.Names[0]!.replace(/^\//, ""))
            .sort();

    before(async function () {
        await requireDocker(this);
        hostsFound = await simHostsAnswer();
        sim = await startSimHosts();
        base = await ensureBaseImage();
        await copyImageToHosts(base, sim.slice(0, 4));
        stack = await GroupStack.start(LABEL, PROJECT, LABEL);
        deployed = await stack.up(GROUP, args(["a", "b", "c"]));
    });

    after(async function () {
        try {
            if (stack) await wipeLostHost(stack, sim[2]!, LABEL);
            await stack?.destroy();
        } finally {
            if (!hostsFound) await removeSimHosts();
        }
    });

    it("after a power cut on c, one up with c lost and d added gives 1+2 with 3 sentinels on a, b and d, calls nothing on c, loses no acknowledged write", async () => {
        const { result, acked, failed, lacking } = await replaceLostHost(stack!, deployed, {
            host: sim[2]!,
            name: GROUP,
            args: args(["a", "b", "c", "d"], ["c"]),
            password: LOST_PASSWORD,
        });
        assert.deepStrictEqual(await namesOn(sim[3]!), [`${GROUP}-replica-2`, `${GROUP}-sentinel-3`]);
        assert.strictEqual(result.replication.replicas.length, 2);
        assert.ok(
            result.replication.sentinels!.every((s) => s.numOtherSentinels === 2 && s.numSlaves === 2),
            "every sentinel forgot c's nodes",
        );
        const onC = result.steps.filter((s) => /-c-|-on-c$/.test(s.name) && !["same", "delete", "update"].includes(s.op));
        assert.deepStrictEqual(onC, [], "nothing made on c");
        assert.ok(acked.length > 0);
        assert.deepStrictEqual(Object.values(lacking), [0, 0, 0], `acknowledged writes each data node lacks: ${JSON.stringify(lacking)}`);
        console.log(`      host replacement: ${result.ms} ms; writer ${acked.length} acknowledged, ${failed} failed`);
    });

    it("a later up that drops c from hosts changes nothing else", async () => {
        const result = await stack!.up(GROUP, args(["a", "b", "d"]));
        assert.deepStrictEqual(changed(result.steps), [`delete ${GROUP}-c-teardown`], "only the lost host's teardown leaves the state");
    });
});

describe("recovery 5: a rotation whose commit fails, then the old password again: only the old one is admitted", function () {
    this.timeout(600_000);
    const day = dayTwo(5, true);
    const commitName = "rec5-password-commit";
    const paused = "rr-rec-5-sentinel-3";

    before(async function () {
        await day.s.start(this);
        day.state.last = await day.s.up(day.args());
    });
    after(async () => {
        await dockerClient()
            .getContainer(paused)
            .unpause()
            .catch(() => undefined);
        await day.s.destroy();
    });

    it("fails the commit on a paused sentinel, and the `up` back to the old password retires the new one on every node and sentinel", async () => {
        let armed = true;
        // The commit registers once the rollout is done; pausing a sentinel then (synchronously, before
        // the commit runs) makes it fail where a real outage would.
        onRegistration((_type, name) => {
            if (!armed || name !== commitName) return;
            armed = false;
            execFileSync("docker", ["pause", paused]);
        });
        const failure = await failureOf(() => day.s.up(day.s.args({ ...day.state.spec, replicaCount: undefined, password: NEW_PASSWORD })));
        assert.ok(!armed, "the commit registered");
        await dockerClient().getContainer(paused).unpause();
        assert.match(failure, /password-commit/);
        const back = await day.s.up(day.args());
        const ports = [
            await promiseOf(back.group.masterEndpoint),
            ...(await promiseOf(back.group.replicaEndpoints)),
            ...(await promiseOf(back.group.sentinelEndpoints)),
        ].map(portOf);
        for (const port of ports) {
            await withClient(port, PASSWORD, async (c) => {
                await assert.rejects(c.call("AUTH", "default", NEW_PASSWORD), /WRONGPASS/, `the abandoned password on ${port}`);
                assert.strictEqual(await c.call("AUTH", "default", PASSWORD), "OK");
            });
        }
    });
});

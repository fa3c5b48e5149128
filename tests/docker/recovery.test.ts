// Day 2 on the real engine, through the live backend's update model: a group without and one with
// three sentinels live through a sequence of changes under a writer (addresses, image, resources,
// restart policy, password, users, settings, counts), each `up` ending with the check passed,
// every acknowledged write on every data node, and the sentinels reporting the master where it
// runs. With the master failed over by hand first, a rollout fails over once, and replaces the
// sentinels one at a time. On the simulated hosts, a host lost in a power cut is replaced with one
// `up` (hosts.c.lost, a new host d), and a later `up` that drops it changes nothing else.
// Subnets 10.90.<n>.0/24 and 10.95.0.0/24; host ports 8310-8339, 28310-28339, 7351-7353, 27351-27353.
import { strict as assert } from "assert";
import type { RedisReplicationGroupArgs } from "../../components";
import { dockerClient } from "../../harness/docker";
import { GroupStack, UpResult } from "../../harness/groupStack";
import {
    copyImageToHosts,
    powerCut,
    removeSimHosts,
    SimHost,
    simHostClient,
    simHostsAnswer,
    startEngine,
    startSimHosts,
} from "../../harness/hosts";
import { ensureBaseImage } from "../../harness/image";
import { removeLeftovers, requireDocker } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { countMissing, withClient, withEndpoint } from "../../harness/redisClient";
import { AckedWriter } from "../../harness/writer";
import { PROJECT } from "../support/stackConfig";
import { assertOneAtATime, changed, isContainer, missing, opsOf, PASSWORD, scenario, ScenarioFamily } from "../support/updateScenario";

const REC: ScenarioFamily = { prefix: "rec", portBase: 8300, subnetOctet: 90 };
const OTHER_BASE = "redis-replication-test/base:recovery-b";
const NEW_PASSWORD = "recovery-Rotated-Passw0rd";

/** host:port → port (the outputs' endpoints are on 127.0.0.1). */
function portOf(endpoint: string): number {
    return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

/** The config epoch a sentinel reports for the master: one more for each failover. */
async function configEpoch(port: number, password: string, masterName: string): Promise<number> {
    return withClient(port, password, async (c) => {
        const fields = (await c.call("SENTINEL", "MASTER", masterName)) as string[];
        return Number(fields[fields.indexOf("config-epoch") + 1]);
    });
}

/** What each sentinel reports as the master's address. */
async function sentinelMasters(ports: number[], password: string, masterName: string): Promise<string[]> {
    return Promise.all(
        ports.map((p) =>
            withClient(p, password, async (c) => {
                const addr = (await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)) as string[];
                return `${addr[0]}:${addr[1]}`;
            }),
        ),
    );
}

/** One group's day 2: its args as they change, the writer's keys so far, and the table of what each `up` did. */
function dayTwo(n: number, withSentinels: boolean) {
    const s = scenario(n, REC);
    const subnet = `10.${REC.subnetOctet}.${n}.`;
    const port = s.masterPort;
    const state = {
        password: PASSWORD,
        acked: [] as string[],
        last: undefined as UpResult | undefined,
        spec: {
            master: { ip: `${subnet}2`, hostPort: port },
            replicas: [
                { ip: `${subnet}3`, hostPort: port + 1 },
                { ip: `${subnet}4`, hostPort: port + 2 },
            ],
            ...(withSentinels
                ? {
                      sentinel: {
                          nodes: [0, 1, 2].map((i) => ({ ip: `${subnet}${250 - i}`, hostPort: port + 20_000 + i })),
                      },
                  }
                : {}),
        } as Partial<RedisReplicationGroupArgs>,
    };
    const table: string[] = [];
    const args = (): RedisReplicationGroupArgs => s.args({ ...state.spec, replicaCount: undefined, password: state.password });
    /** The address (ip:6379) of each data node's container, by name. */
    const addressOf = (name: string): string => {
        const key = name.slice(`rr-rec-${n}-`.length);
        const node = key === "master" ? state.spec.master : state.spec.replicas![Number(key.split("-")[1]) - 1];
        return `${node!.ip}:6379`;
    };
    const masterName = `rr-rec-${n}`;

    /** One `up` with the spec changed by `change`, under a writer; asserts what holds after every day-2 `up`. */
    async function upUnderWriter(label: string, change: (spec: Partial<RedisReplicationGroupArgs>) => void): Promise<UpResult> {
        const writerPassword = state.password;
        change(state.spec);
        const group = state.last!.group;
        const recipe = await promiseOf(group.sentinelClient);
        const sentinelPorts = (await promiseOf(group.sentinelEndpoints)).map(portOf);
        const epochBefore = recipe ? await configEpoch(sentinelPorts[0]!, writerPassword, masterName) : 0;
        const writer = recipe
            ? await AckedWriter.start(recipe, writerPassword)
            : await AckedWriter.direct(portOf(await promiseOf(group.masterEndpoint)), writerPassword);
        await writer.until("the writer's first acknowledged write", 10_000, () => writer.acked.length > 0);
        let result: UpResult;
        try {
            result = await s.up(args());
        } finally {
            await writer.stop();
        }
        state.acked.push(...writer.acked);
        state.last = result;
        const ports = [await promiseOf(result.group.masterEndpoint), ...(await promiseOf(result.group.replicaEndpoints))].map(portOf);
        const lacking = await missing(ports, state.acked, state.password);
        assert.deepStrictEqual(
            lacking,
            Object.fromEntries(ports.map((p) => [p, 0])),
            `${label}: every acknowledged write on every data node`,
        );
        let failovers = 0;
        if (recipe) {
            const now = (await promiseOf(result.group.sentinelEndpoints)).map(portOf);
            const expected = addressOf(result.replication.master);
            await pollUntil(`${label}: every sentinel reports the master at ${expected}`, 10_000, async () =>
                (await sentinelMasters(now, state.password, masterName)).every((a) => a === expected),
            );
            failovers = (await configEpoch(now[0]!, state.password, masterName)) - epochBefore;
        }
        const replaced = opsOf(result.steps, (x) => isContainer(x) && x.op !== "same").join(", ") || "none";
        table.push(
            `| ${label} | ${result.ms} | ${replaced} | ${writer.acked.length} | ${writer.failed} | ${writer.writeErrorMs} | ${failovers} | passed |`,
        );
        return result;
    }

    return { s, state, args, table, upUnderWriter, masterName, addressOf };
}

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
    const LOST_PASSWORD = "recovery-Lost-Passw0rd";
    const MASTER_PORT = 7351;
    let sim: SimHost[] = [];
    let hostsFound = true;
    let stack: GroupStack | undefined;
    let base = "";
    let acked: string[] = [];

    /** The group on the named simulated hosts (a, b, c, d are h1..h4); `lost` marks hosts lost. */
    const args = (names: string[], lost: string[] = []): RedisReplicationGroupArgs => ({
        name: GROUP,
        hosts: Object.fromEntries(
            names.map((n) => {
                const h = sim["abcd".indexOf(n)]!;
                return [n, { address: h.address, dockerHost: h.dockerHost, ...(lost.includes(n) ? { lost: true } : {}) }];
            }),
        ),
        network: { subnet: "10.95.0.0/24" },
        master: { hostPort: MASTER_PORT },
        replicaCount: 2,
        password: LOST_PASSWORD,
        image: { baseImage: base },
        sentinel: {},
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
        stack = await GroupStack.start("recovery-lost", PROJECT, "recovery-lost");
        await stack.up(GROUP, args(["a", "b", "c"]));
    });

    after(async function () {
        try {
            // The lost host comes back empty-handed: what it still held is wiped by hand, as its owner would.
            const c = sim[2]!;
            stack?.backend.regainEngine(c.dockerHost);
            await startEngine(c);
            await removeLeftovers("recovery-lost", [simHostClient(c)]);
            await stack?.destroy();
        } finally {
            if (!hostsFound) await removeSimHosts();
        }
    });

    it("after a power cut on c, one up with c lost and d added gives 1+2 with 3 sentinels on a, b and d, calls nothing on c, loses no acknowledged write", async () => {
        const group = (await stack!.up(GROUP, args(["a", "b", "c"]))).group;
        const writer = await AckedWriter.start((await promiseOf(group.sentinelClient))!, LOST_PASSWORD);
        let result: UpResult;
        try {
            await writer.until("the writer's first acknowledged write", 10_000, () => writer.acked.length > 0);
            await powerCut(sim[2]!);
            const before = writer.acked.length;
            await writer.until("writes acknowledged after the power cut", 30_000, () => writer.acked.length > before + 20);
            stack!.backend.loseEngine(sim[2]!.dockerHost);
            result = await stack!.up(GROUP, args(["a", "b", "c", "d"], ["c"]));
        } finally {
            await writer.stop();
        }
        acked = writer.acked;
        assert.deepStrictEqual(await namesOn(sim[3]!), [`${GROUP}-replica-2`, `${GROUP}-sentinel-3`]);
        assert.strictEqual(result.replication.replicas.length, 2);
        assert.ok(
            result.replication.sentinels!.every((s) => s.numOtherSentinels === 2 && s.numSlaves === 2),
            "every sentinel forgot c's nodes",
        );
        const onC = result.steps.filter((s) => /-c-|-on-c$/.test(s.name) && !["same", "delete", "update"].includes(s.op));
        assert.deepStrictEqual(onC, [], "nothing made on c");
        const endpoints = [await promiseOf(result.group.masterEndpoint), ...(await promiseOf(result.group.replicaEndpoints))];
        for (const e of endpoints) {
            assert.strictEqual(await withEndpoint(e, LOST_PASSWORD, (c) => countMissing(c, acked)), 0, `acknowledged writes on ${e}`);
        }
        assert.ok(acked.length > 0);
        console.log(`      host replacement: ${result.ms} ms; writer ${acked.length} acknowledged, ${writer.failed} failed`);
    });

    it("a later up that drops c from hosts changes nothing else", async () => {
        const result = await stack!.up(GROUP, args(["a", "b", "d"]));
        assert.deepStrictEqual(changed(result.steps), [`delete ${GROUP}-c-teardown`], "only the lost host's teardown leaves the state");
    });
});

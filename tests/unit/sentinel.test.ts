// Sentinel without Redis or Docker: its config (defaults, validation, warnings), its rendered
// sentinel.conf, and the resource graph of a group with sentinels under Pulumi's mocks.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../../components";
import { GroupSpec, parseGroupConfig } from "../../config";
import { renderSentinelConf, SENTINEL_CONF_PATH, SENTINEL_HEALTHCHECK_TEST } from "../../components/redisConf";
import { problemsOf } from "../support/configProblems";
import { CHECK_TYPE, promiseOf, reveal } from "../support/mocks";
import { PROJECT } from "../support/stackConfig";

const PASSWORD = "unit-sentinel-Passw0rd";

const seed: GroupSpec = {
    name: "redis-dev",
    network: { subnet: "10.89.0.0/24", gateway: "10.89.0.1" },
    master: { ip: "10.89.0.2", hostPort: 6380 },
    replicas: 2,
};

/** The directive lines of a rendered config. */
const lines = (conf: string) => conf.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

describe("sentinel config", () => {
    it("is off unless given, and {} turns it on with every default", () => {
        assert.strictEqual(parseGroupConfig(seed).sentinel, undefined);
        const plan = parseGroupConfig({ ...seed, sentinel: {} });
        assert.deepStrictEqual(plan.sentinel, {
            masterName: "redis-dev",
            quorum: 2,
            downAfterMilliseconds: 1000,
            failoverTimeout: 10000,
            parallelSyncs: 1,
            nodes: [
                // IPs after the last replica's, host ports from master.hostPort + 20000.
                { role: "sentinel", key: "sentinel-1", ip: "10.89.0.5", hostPort: 26380 },
                { role: "sentinel", key: "sentinel-2", ip: "10.89.0.6", hostPort: 26381 },
                { role: "sentinel", key: "sentinel-3", ip: "10.89.0.7", hostPort: 26382 },
            ],
        });
        assert.deepStrictEqual(plan.warnings, []);
    });

    it("takes count, quorum, timings, a master name and listed nodes", () => {
        const plan = parseGroupConfig({
            ...seed,
            sentinel: {
                quorum: 3,
                downAfterMilliseconds: 500,
                failoverTimeout: 4000,
                parallelSyncs: 2,
                masterName: "cache",
                nodes: [
                    { ip: "10.89.0.20", hostPort: 36000 },
                    { ip: "10.89.0.21", hostPort: 36001 },
                    { ip: "10.89.0.22", hostPort: 36002 },
                    { ip: "10.89.0.23", hostPort: 36003 },
                    { ip: "10.89.0.24", hostPort: 36004 },
                ],
            },
        });
        const s = plan.sentinel!;
        assert.deepStrictEqual(
            [s.masterName, s.quorum, s.downAfterMilliseconds, s.failoverTimeout, s.parallelSyncs],
            ["cache", 3, 500, 4000, 2],
        );
        assert.deepStrictEqual(
            s.nodes.map((n) => [n.key, n.ip, n.hostPort]),
            [0, 1, 2, 3, 4].map((i) => [`sentinel-${i + 1}`, `10.89.0.${20 + i}`, 36000 + i]),
        );
        assert.strictEqual(parseGroupConfig({ ...seed, sentinel: { count: 5 } }).sentinel!.quorum, 3, "default quorum is a majority");
    });

    it("warns about an even count or fewer than 3 sentinels, without failing", () => {
        assert.deepStrictEqual(parseGroupConfig({ ...seed, sentinel: { count: 4 } }).warnings, [
            "sentinel.count 4 is even: 5 sentinels survive as many losses as 4 do, and more",
        ]);
        assert.match(parseGroupConfig({ ...seed, sentinel: { count: 1 } }).warnings.join(), /fewer than 3 sentinels/);
    });

    const bad: [string, unknown, RegExp][] = [
        ["quorum above count", { quorum: 4 }, /^sentinel\.quorum: 4 is more than the 3 sentinels/],
        ["count 0", { count: 0 }, /^sentinel\.count: 0 is out of range 1-9/],
        [
            "listed nodes differ from count",
            { count: 2, nodes: [{ ip: "10.89.0.9", hostPort: 30001 }] },
            /^sentinel\.nodes: lists 1 sentinels but sentinel\.count is 2/,
        ],
        [
            "a sentinel on a replica's IP",
            { nodes: [{ ip: "10.89.0.3", hostPort: 30001 }] },
            /^sentinel\.nodes\[0\]\.ip: 10\.89\.0\.3 is already used by replicas\[0\]\.ip/,
        ],
        [
            "a sentinel on a replica's port",
            { nodes: [{ ip: "10.89.0.9", hostPort: 6381 }] },
            /^sentinel\.nodes\[0\]\.hostPort: 6381 is already used by replicas\[0\]\.hostPort/,
        ],
        ["a master name with a space", { masterName: "a b" }, /^sentinel\.masterName: "a b" may only hold/],
        ["down-after below 100 ms", { downAfterMilliseconds: 10 }, /^sentinel\.downAfterMilliseconds: 10 is out of range/],
        ["an unknown key", { quorom: 2 }, /^sentinel\.quorom: unknown key/],
        ["nodes not a list", { nodes: "x" }, /^sentinel\.nodes: must be a list/],
    ];
    for (const [what, sentinel, want] of bad) {
        it(`rejects ${what}, naming the property`, () => {
            const problems = problemsOf({ ...seed, sentinel });
            assert.ok(
                problems.some((p) => want.test(p)),
                `${JSON.stringify(problems)} does not match ${want}`,
            );
        });
    }
});

describe("renderSentinelConf", () => {
    const plan = parseGroupConfig({ ...seed, sentinel: { masterName: "cache", downAfterMilliseconds: 1500 } });
    const node = plan.sentinel!.nodes[0]!;

    it("monitors the master's static IP on 6379 with the quorum, password and timings", () => {
        assert.deepStrictEqual(lines(renderSentinelConf(node, plan, PASSWORD)), [
            "bind 0.0.0.0",
            "port 26379",
            "dir /data",
            "user healthcheck on nopass -@all +ping",
            "sentinel resolve-hostnames no",
            "protected-mode yes",
            `requirepass ${PASSWORD}`,
            "sentinel monitor cache 10.89.0.2 6379 2",
            `sentinel auth-pass cache ${PASSWORD}`,
            "sentinel down-after-milliseconds cache 1500",
            "sentinel failover-timeout cache 10000",
            "sentinel parallel-syncs cache 1",
        ]);
    });

    it("lives in the writable /data, since Sentinel rewrites it", () => assert.strictEqual(SENTINEL_CONF_PATH, "/data/sentinel.conf"));

    it("has no password lines and protected mode off when auth is off", () => {
        const open = parseGroupConfig({ ...seed, auth: false, sentinel: {} });
        const conf = lines(renderSentinelConf(open.sentinel!.nodes[0]!, open, undefined));
        assert.ok(conf.includes("protected-mode no"));
        assert.ok(!conf.some((l) => /requirepass|auth-pass/.test(l)));
    });

    it("refuses to render without a password when auth is on, or without sentinel", () => {
        assert.throws(() => renderSentinelConf(node, plan, undefined), /auth is on but no password/);
        assert.throws(() => renderSentinelConf(node, parseGroupConfig(seed), PASSWORD), /needs group.sentinel/);
    });
});

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    dependencies: string[];
}

describe("RedisReplicationGroup with sentinel (mocks)", () => {
    const registered: Registered[] = [];
    let group: Components.RedisReplicationGroup;
    const byName = (n: string) => registered.find((r) => r.name === n)!;
    const dependencies = new Map<string, string[]>();

    before(async () => {
        const mocks: pulumi.runtime.Mocks = {
            newResource(args) {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependencies: [] });
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type === CHECK_TYPE) {
                    Object.assign(state, {
                        masterReplId: "0123456789abcdef",
                        durationMs: 42,
                        passedAt: "2026-11-21T00:00:00.000Z",
                        currentMaster: "redis-sent-master",
                        currentMasterEndpoint: "127.0.0.1:6480",
                        replicaStatus: [],
                        sentinelStatus: [],
                    });
                }
                return { id: `${args.name}-id`, state };
            },
            call: (args) => args.inputs,
        };
        await pulumi.runtime.setMocks(mocks, PROJECT, "unit-sentinel", false);
        // The mock monitor drops dependsOn before calling the mocks; read it off the request.
        type Req = { getName(): string; getDependenciesList(): string[] };
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: Req, cb: unknown) => unknown };
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, cb) => {
            dependencies.set(req.getName(), req.getDependenciesList());
            return register(req, cb);
        };
        const components = await import("../../components");
        group = new components.RedisReplicationGroup("sent", {
            name: "redis-sent",
            network: { subnet: "10.90.0.0/24" },
            master: { ip: "10.90.0.2", hostPort: 6480 },
            replicas: 2,
            sentinel: { masterName: "cache" },
            password: pulumi.secret(PASSWORD),
        });
        await promiseOf(group.replication);
    });

    it("runs each sentinel from its uploaded sentinel.conf: port 26379 published, healthcheck, no volume", () => {
        const sentinels = registered.filter((r) => r.type === "docker:index/container:Container" && r.name.startsWith("sent-sentinel-"));
        assert.deepStrictEqual(
            sentinels.map((s) => s.name),
            ["sent-sentinel-1", "sent-sentinel-2", "sent-sentinel-3"],
        );
        sentinels.forEach((s, i) => {
            assert.strictEqual(s.inputs.name, `redis-sent-sentinel-${i + 1}`);
            assert.deepStrictEqual(s.inputs.command, ["redis-server", "/data/sentinel.conf", "--sentinel"]);
            assert.deepStrictEqual(s.inputs.networksAdvanced[0].ipv4Address, `10.90.0.${5 + i}`);
            assert.deepStrictEqual(s.inputs.ports, [{ internal: 26379, external: 26480 + i, ip: "127.0.0.1", protocol: "tcp" }]);
            assert.deepStrictEqual(s.inputs.healthcheck.tests, SENTINEL_HEALTHCHECK_TEST);
            assert.ok(!s.inputs.volumes || s.inputs.volumes.length === 0);
            const [upload] = reveal(s.inputs.uploads) as { file: string; content: string; owner: string; permissions: string }[];
            assert.deepStrictEqual([upload!.file, upload!.owner, upload!.permissions], ["/data/sentinel.conf", "999", "0600"]);
            assert.match(upload!.content, /^sentinel monitor cache 10\.90\.0\.2 6379 2$/m);
            assert.ok(!JSON.stringify([s.inputs.command, s.inputs.envs, s.inputs.labels, s.inputs.healthcheck]).includes(PASSWORD));
        });
    });

    it("hands the check every sentinel, the master name and the quorum, and runs it after the sentinels", () => {
        const check = registered.find((r) => r.type === CHECK_TYPE)!;
        assert.deepStrictEqual(check.inputs.sentinel, {
            masterName: "cache",
            quorum: 2,
            sentinels: [1, 2, 3].map((i) => ({
                name: `redis-sent-sentinel-${i}`,
                endpoint: `127.0.0.1:${26479 + i}`,
                ip: `10.90.0.${4 + i}`,
                port: 26379,
            })),
        });
        const containers = registered.filter((r) => r.type === "docker:index/container:Container" && r.name.startsWith("sent-"));
        assert.strictEqual(containers.length, 6);
        assert.deepStrictEqual([...check.inputs.containerIds].sort(), containers.map((c) => `${c.name}-id`).sort());
        const deps = dependencies.get(check.name) ?? [];
        for (const c of containers) {
            assert.ok(
                deps.some((urn) => urn.endsWith(`::${c.name}`)),
                `the check does not depend on ${c.name}: ${deps.join(", ")}`,
            );
        }
        assert.strictEqual(reveal(check.inputs.password), PASSWORD);
    });

    it("exports the sentinels' endpoints, the master name and the ioredis recipe with a natMap", async () => {
        assert.deepStrictEqual(await promiseOf(group.sentinelEndpoints), ["127.0.0.1:26480", "127.0.0.1:26481", "127.0.0.1:26482"]);
        assert.strictEqual(await promiseOf(group.sentinelMasterName), "cache");
        const recipe = await promiseOf(group.sentinelClient);
        assert.deepStrictEqual(recipe, {
            sentinels: [26480, 26481, 26482].map((port) => ({ host: "127.0.0.1", port })),
            name: "cache",
            natMap: {
                "10.90.0.2:6379": { host: "127.0.0.1", port: 6480 },
                "10.90.0.3:6379": { host: "127.0.0.1", port: 6481 },
                "10.90.0.4:6379": { host: "127.0.0.1", port: 6482 },
                "10.90.0.5:26379": { host: "127.0.0.1", port: 26480 },
                "10.90.0.6:26379": { host: "127.0.0.1", port: 26481 },
                "10.90.0.7:26379": { host: "127.0.0.1", port: 26482 },
            },
        });
        assert.strictEqual(await pulumi.isSecret(group.sentinelClient), false, "the recipe holds no password");
    });

    it("gives the check no sentinel input, and exports empty sentinel outputs, without sentinel", async () => {
        const components = await import("../../components");
        const plain = new components.RedisReplicationGroup("plain", {
            network: { subnet: "10.91.0.0/24" },
            master: { hostPort: 6580 },
            replicas: 1,
            password: PASSWORD,
        });
        await promiseOf(plain.replication);
        const check = byName("plain-check");
        assert.strictEqual(check.inputs.sentinel, undefined);
        assert.deepStrictEqual(await promiseOf(plain.sentinelEndpoints), []);
        assert.strictEqual(await promiseOf(plain.sentinelClient), undefined);
    });
});

// Sentinel without Redis or Docker: the resource graph of a group with sentinels under Pulumi's mocks.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../../components";
import { SENTINEL_HEALTHCHECK_TEST } from "../../components/redisConf";
import { promiseOf } from "../../harness/pulumi";
import { withFakeDocker } from "../support/fakeDocker";
import { CHECK_TYPE, mockPassword, reveal, stateOf } from "../support/mocks";
import { nameOf, recordRegistrations } from "../support/registrations";
import { PROJECT } from "../support/stackConfig";

const PASSWORD = "unit-sentinel-Passw0rd";

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
    // The mock monitor drops dependsOn before calling the mocks; these are read off the requests.
    const registrations = recordRegistrations();
    const dependencies = (n: string): string[] => registrations.get(n)?.dependencies ?? [];

    before(async () => {
        const mocks: pulumi.runtime.Mocks = {
            newResource(args) {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs, dependencies: [] });
                const state = stateOf(args.type, args.inputs, args.name);
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
        const components = await import("../../components");
        // As on a later `up`: the data nodes' containers exist, so the rollout chain holds them.
        await withFakeDocker(
            ["master", "replica-1", "replica-2"].map((k) => `redis-sent-${k}`),
            async () => {
                group = new components.RedisReplicationGroup("sent", {
                    name: "redis-sent",
                    network: { subnet: "10.90.0.0/24" },
                    master: { ip: "10.90.0.2", hostPort: 6480 },
                    replicaCount: 2,
                    sentinel: { masterName: "cache" },
                    password: pulumi.secret(PASSWORD),
                });
                await promiseOf(group.replication);
            },
        );
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
            assert.deepStrictEqual(s.inputs.networksAdvanced[0].ipv4Address, `10.90.0.${254 - i}`);
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
                ip: `10.90.0.${255 - i}`,
                port: 26379,
            })),
        });
        const containers = registered.filter((r) => r.type === "docker:index/container:Container" && r.name.startsWith("sent-"));
        assert.strictEqual(containers.length, 6);
        assert.deepStrictEqual([...check.inputs.containerIds].sort(), containers.map((c) => `${c.name}-id`).sort());
        const deps = dependencies(check.name);
        for (const c of containers) {
            assert.ok(
                deps.some((urn) => urn.endsWith(`::${c.name}`)),
                `the check does not depend on ${c.name}: ${deps.join(", ")}`,
            );
        }
        // The check logs in as admin on the sentinels too: they have the admin user.
        assert.strictEqual(check.inputs.username, "admin");
        assert.strictEqual(reveal(check.inputs.password), mockPassword(`${check.name.replace(/-check$/, "")}-admin-password`));
    });

    it("hands each data node over before its container: a failover away from a master about to be replaced", () => {
        const names = (n: string) => dependencies(n).map(nameOf);
        const dataNodes = [
            { name: "redis-sent-master", endpoint: "127.0.0.1:6480", ip: "10.90.0.2" },
            { name: "redis-sent-replica-1", endpoint: "127.0.0.1:6481", ip: "10.90.0.3" },
            { name: "redis-sent-replica-2", endpoint: "127.0.0.1:6482", ip: "10.90.0.4" },
        ];
        let before = "";
        for (const [key, replicaOf] of [
            ["replica-1", "10.90.0.2:6379"],
            ["replica-2", "10.90.0.2:6379"],
            ["master", ""],
        ] as const) {
            const handover = byName(`sent-${key}-handover`);
            assert.strictEqual(handover.type, "pulumi-nodejs:dynamic/redis:NodeHandover");
            assert.deepStrictEqual(handover.inputs.dataNodes, dataNodes);
            assert.strictEqual(handover.inputs.deployedReplicaOf, replicaOf);
            assert.deepStrictEqual(handover.inputs.sentinel, {
                masterName: "cache",
                endpoints: ["127.0.0.1:26480", "127.0.0.1:26481", "127.0.0.1:26482"],
            });
            assert.match(reveal(handover.inputs.fingerprint), /^[0-9a-f]{64}$/);
            assert.strictEqual(
                handover.inputs.fingerprint,
                reveal(handover.inputs.fingerprint),
                "the fingerprint leaves the password out (a new password replaces no container): not a secret",
            );
            if (before) assert.ok(names(handover.name).includes(before), `${handover.name} waits for ${before}`);
            assert.ok(names(`sent-${key}`).includes(handover.name), `sent-${key} is created after its handover`);
            before = `sent-${key}-rejoin`;
        }
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
                "10.90.0.254:26379": { host: "127.0.0.1", port: 26480 },
                "10.90.0.253:26379": { host: "127.0.0.1", port: 26481 },
                "10.90.0.252:26379": { host: "127.0.0.1", port: 26482 },
            },
        });
        assert.strictEqual(await pulumi.isSecret(group.sentinelClient), false, "the recipe holds no password");
    });

    it("gives every role's connection the sentinels on the group's network, where they report the master", async () => {
        const { master, replicas } = await promiseOf(group.connection);
        const sentinels = {
            endpoints: ["10.90.0.254", "10.90.0.253", "10.90.0.252"].map((host) => ({ host, port: 26379 })),
            masterName: "cache",
        };
        for (const node of [master, ...replicas]) assert.deepStrictEqual(node.sentinels, sentinels);
        assert.deepStrictEqual(
            [master, ...replicas].map((n) => `${n.host}:${n.port}`),
            ["10.90.0.2:6379", "10.90.0.3:6379", "10.90.0.4:6379"],
        );
    });

    it("gives the check no sentinel input, and exports empty sentinel outputs, without sentinel", async () => {
        const components = await import("../../components");
        const plain = new components.RedisReplicationGroup("plain", {
            network: { subnet: "10.91.0.0/24" },
            master: { hostPort: 6580 },
            replicaCount: 1,
            password: PASSWORD,
        });
        await promiseOf(plain.replication);
        const check = byName("plain-check");
        assert.strictEqual(check.inputs.sentinel, undefined);
        assert.deepStrictEqual(await promiseOf(plain.sentinelEndpoints), []);
        assert.strictEqual(await promiseOf(plain.sentinelClient), undefined);
    });
});

// The ReplicationCheck provider's check and diff, called directly (pure, no redis), with and
// without Sentinel, and the resource's registration under Pulumi's mock monitor. Live behaviour
// is in tests/redis.
import * as assert from "assert";
import * as net from "net";
import * as pulumi from "@pulumi/pulumi";
import type * as Check from "../../components/replicationCheck";
import { serializeProvider } from "../../harness/loadSerialized";
import { promiseOf } from "../../harness/pulumi";
import { SECRET_SIG, UNKNOWN } from "../support/mocks";

const PASSWORD = "unit-check-Passw0rd";

function validInputs(): Check.ReplicationCheckInputs {
    return {
        masterContainer: "redis-dev-master",
        masterEndpoint: "127.0.0.1:6380",
        masterIp: "172.28.0.2",
        masterPort: 6379,
        replicas: [
            { name: "redis-dev-replica-1", endpoint: "127.0.0.1:6381", ip: "172.28.0.3" },
            { name: "redis-dev-replica-2", endpoint: "127.0.0.1:6382", ip: "172.28.0.4" },
        ],
        expectedReplicas: 2,
        password: PASSWORD,
        timeoutMs: 60000,
        containerIds: ["aaa", "bbb", "ccc"],
    };
}

/** validInputs with three sentinels, quorum 2. */
function validSentinelInputs(): Check.ReplicationCheckInputs {
    const i = validInputs();
    i.sentinel = {
        masterName: "redis-dev",
        quorum: 2,
        sentinels: [1, 2, 3].map((n) => ({
            name: `redis-dev-sentinel-${n}`,
            endpoint: `127.0.0.1:${26379 + n}`,
            ip: `172.28.0.${4 + n}`,
            port: 26379,
        })),
    };
    i.containerIds.push("ddd", "eee", "fff");
    return i;
}

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const registered: Registered[] = [];
const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return {
            id: `${args.name}-id`,
            state: {
                ...args.inputs,
                masterReplId: "f".repeat(40),
                durationMs: 42,
                passedAt: "2026-01-01T00:00:00.000Z",
                replicaStatus: [],
            },
        };
    },
    call: (args) => args.inputs,
};

describe("ReplicationCheck provider: check and diff", () => {
    let provider: pulumi.dynamic.ResourceProvider;
    before(async () => {
        provider = (await import("../../components/replicationCheck")).replicationCheckProvider;
    });

    const failuresOf = async (news: unknown) => (await provider.check!({}, news)).failures ?? [];
    const with_ = (patch: (i: Check.ReplicationCheckInputs) => void) => {
        const i = validInputs();
        patch(i);
        return i;
    };

    it("accepts good inputs and returns them unchanged", async () => {
        const news = validInputs();
        const res = await provider.check!({}, news);
        assert.deepStrictEqual(res.failures ?? [], []);
        assert.deepStrictEqual(res.inputs, validInputs());
    });

    it("rejects no replicas, and a count different from expectedReplicas", async () => {
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.replicas = []))), [
            { property: "replicas", reason: "at least one replica is required" },
        ]);
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.expectedReplicas = 3))), [
            { property: "replicas", reason: "2 replicas given but expectedReplicas is 3" },
        ]);
    });

    it("rejects endpoints that are not host:port with a port from 1 to 65535", async () => {
        for (const bad of ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:port", ":6380", "a b:1", ""]) {
            assert.deepStrictEqual(
                (await failuresOf(with_((i) => (i.masterEndpoint = bad)))).map((f) => f.property),
                ["masterEndpoint"],
                bad,
            );
        }
        const f = await failuresOf(with_((i) => (i.replicas[1]!.endpoint = "127.0.0.1:99999")));
        assert.deepStrictEqual(f, [
            { property: "replicas[1].endpoint", reason: '"127.0.0.1:99999" is not host:port with a port from 1 to 65535' },
        ]);
        for (const good of ["localhost:1", "[::1]:6380", "10.0.0.1:65535"]) {
            assert.deepStrictEqual(await failuresOf(with_((i) => (i.masterEndpoint = good))), [], good);
        }
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.replicas[1]!.endpoint = "127.0.0.1:6381"))), [
            { property: "replicas[1].endpoint", reason: "127.0.0.1:6381 is also replicas[0].endpoint" },
        ]);
    });

    it("rejects bad IPs, by property", async () => {
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.replicas[0]!.ip = "10.9.0.300"))), [
            { property: "replicas[0].ip", reason: '"10.9.0.300" is not an IP address' },
        ]);
        assert.deepStrictEqual(
            (await failuresOf(with_((i) => (i.masterIp = "redis-dev-master")))).map((f) => f.property),
            ["masterIp"],
        );
    });

    it("rejects timeoutMs <= 0 and other bad numbers", async () => {
        for (const t of [0, -1, Number.NaN]) {
            assert.deepStrictEqual(
                (await failuresOf(with_((i) => (i.timeoutMs = t)))).map((f) => f.property),
                ["timeoutMs"],
                String(t),
            );
        }
        assert.deepStrictEqual(
            (await failuresOf(with_((i) => (i.pollIntervalMs = 0)))).map((f) => f.property),
            ["pollIntervalMs"],
        );
        assert.deepStrictEqual(
            (await failuresOf(with_((i) => (i.masterPort = 70000)))).map((f) => f.property),
            ["masterPort"],
        );
        assert.deepStrictEqual((await failuresOf(with_((i) => (i.expectedReplicas = 0)))).map((f) => f.property).sort(), [
            "expectedReplicas",
            "replicas",
        ]);
        assert.deepStrictEqual(await failuresOf(with_((i) => delete i.timeoutMs)), []);
    });

    it("skips values not known yet (preview)", async () => {
        const news = { ...validInputs(), masterEndpoint: UNKNOWN, masterIp: UNKNOWN, replicas: UNKNOWN, containerIds: [UNKNOWN] };
        assert.deepStrictEqual(await failuresOf(news), []);
        const partly = with_((i) => (i.replicas[0] = { name: "r", endpoint: UNKNOWN, ip: UNKNOWN }));
        assert.deepStrictEqual(await failuresOf(partly), []);
    });

    describe("diff", () => {
        // olds are the stored outputs: the inputs without the password, plus the results.
        const olds = () => {
            const { password: _p, ...rest } = validInputs();
            return { ...rest, masterReplId: "x", durationMs: 5, passedAt: "t", replicaStatus: [] };
        };
        const changes = async (patch: (i: Check.ReplicationCheckInputs) => void) => {
            const res = await provider.diff!("id", olds(), with_(patch));
            assert.deepStrictEqual(res.replaces, [], "a check is updated, never replaced");
            return res.changes;
        };

        it("sees no change when nothing that is checked changed", async () => {
            assert.strictEqual(await changes(() => undefined), false);
            assert.strictEqual(await changes((i) => (i.timeoutMs = 5000)), false);
            assert.strictEqual(await changes((i) => (i.pollIntervalMs = 50)), false);
            assert.strictEqual(await changes((i) => (i.masterContainer = "renamed")), false);
            assert.strictEqual(await changes((i) => delete i.masterPort), false, "masterPort defaults to 6379");
            // Same values, other key order and fresh arrays.
            assert.strictEqual(
                await changes((i) => (i.replicas = i.replicas.map((r) => ({ ip: r.ip, endpoint: r.endpoint, name: r.name })))),
                false,
            );
        });

        it("re-runs the check when an endpoint, an expected IP, the replicas or a container id changes", async () => {
            assert.strictEqual(await changes((i) => (i.masterEndpoint = "127.0.0.1:7380")), true);
            assert.strictEqual(await changes((i) => (i.masterIp = "172.28.0.9")), true);
            assert.strictEqual(await changes((i) => (i.masterPort = 6380)), true);
            assert.strictEqual(await changes((i) => (i.replicas[1]!.endpoint = "127.0.0.1:7382")), true);
            assert.strictEqual(await changes((i) => (i.replicas[0]!.ip = "172.28.0.30")), true);
            assert.strictEqual(await changes((i) => (i.replicas[0]!.name = "redis-dev-replica-9")), true);
            assert.strictEqual(
                await changes((i) => {
                    i.replicas.push({ name: "redis-dev-replica-3", endpoint: "127.0.0.1:6383", ip: "172.28.0.5" });
                    i.expectedReplicas = 3;
                }),
                true,
            );
            assert.strictEqual(await changes((i) => (i.replicas = i.replicas.slice(0, 1))), true);
            assert.strictEqual(await changes((i) => (i.containerIds = ["aaa", "bbb", "ddd"])), true);
            assert.strictEqual(await changes((i) => (i.containerIds = ["aaa", "bbb"])), true);
            assert.strictEqual(await changes((i) => (i.masterEndpoint = UNKNOWN)), true);
        });
    });

    it("delete touches nothing", async () => {
        const { password: _p, ...stored } = validInputs();
        // Every endpoint points at a listener that counts connections: a delete that connected shows.
        let connections = 0;
        const server = net.createServer((socket) => {
            connections++;
            socket.destroy();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const endpoint = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
            await provider.delete!("id", {
                ...stored,
                masterEndpoint: endpoint,
                replicas: stored.replicas.map((r) => ({ ...r, endpoint })),
            });
            assert.strictEqual(connections, 0);
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
    });
});

describe("ReplicationCheck's sentinel inputs: check and diff", () => {
    let provider: pulumi.dynamic.ResourceProvider;
    before(async () => {
        provider = (await import("../../components/replicationCheck")).replicationCheckProvider;
    });

    const valid = validSentinelInputs;
    const with_ = (patch: (i: Check.ReplicationCheckInputs) => void) => {
        const i = valid();
        patch(i);
        return i;
    };
    const failuresOf = async (news: unknown) => ((await provider.check!({}, news)).failures ?? []).map((f) => `${f.property}: ${f.reason}`);

    it("accepts good inputs, and values not known yet", async () => {
        assert.deepStrictEqual(await failuresOf(valid()), []);
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.sentinel = UNKNOWN as unknown as Check.SentinelCheck))), []);
        assert.deepStrictEqual(
            await failuresOf(with_((i) => (i.sentinel!.sentinels[0] = { name: "s", endpoint: UNKNOWN, ip: UNKNOWN }))),
            [],
        );
    });

    it("rejects bad sentinel inputs, by property", async () => {
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.sentinel = "yes" as unknown as Check.SentinelCheck))), [
            "sentinel: must be an object with masterName, quorum and sentinels",
        ]);
        assert.deepStrictEqual(
            await failuresOf(
                with_((i) => {
                    i.sentinel!.masterName = "my master";
                    i.sentinel!.quorum = 4;
                    i.sentinel!.sentinels[1]!.endpoint = "127.0.0.1:6381";
                    i.sentinel!.sentinels[2]!.ip = "172.28.0.300";
                    i.sentinel!.sentinels[2]!.port = 0;
                }),
            ),
            [
                'sentinel.masterName: "my master" must not contain whitespace',
                "sentinel.quorum: 4 is more than the 3 sentinels",
                "sentinel.sentinels[1].endpoint: 127.0.0.1:6381 is also replicas[0].endpoint",
                'sentinel.sentinels[2].ip: "172.28.0.300" is not an IP address',
                "sentinel.sentinels[2].port: 0 is not a port from 1 to 65535",
            ],
        );
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.sentinel!.sentinels = []))), [
            "sentinel.sentinels: at least one sentinel is required",
        ]);
        assert.deepStrictEqual(await failuresOf(with_((i) => (i.sentinel!.quorum = 0))), [
            "sentinel.quorum: must be a whole number of at least 1, got 0",
        ]);
    });

    it("needs each data node's ip:port to be its own with sentinel: it is how Sentinel names the master", async () => {
        const shared = (i: Check.ReplicationCheckInputs) => (i.replicas[1]!.ip = "172.28.0.3");
        assert.deepStrictEqual(await failuresOf(with_(shared)), [
            "replicas[1].ip: 172.28.0.3:6379 is also the address of replicas[0]: the sentinels could not tell them apart",
        ]);
        // Same IP, own ports (as for processes on one host): fine.
        assert.deepStrictEqual(
            await failuresOf(
                with_((i) => {
                    shared(i);
                    i.replicas[1]!.port = 6390;
                }),
            ),
            [],
        );
        // Without sentinel the address is not used to find the master.
        assert.deepStrictEqual(
            await failuresOf(
                with_((i) => {
                    shared(i);
                    delete i.sentinel;
                }),
            ),
            [],
        );
    });

    describe("diff", () => {
        const olds = () => {
            const { password: _p, ...rest } = valid();
            return {
                ...rest,
                masterReplId: "x",
                durationMs: 5,
                passedAt: "t",
                currentMaster: "m",
                currentMasterEndpoint: "e",
                replicaStatus: [],
            };
        };
        const changes = async (patch: (i: Check.ReplicationCheckInputs) => void) =>
            (await provider.diff!("id", olds(), with_(patch))).changes;

        it("sees no change for the same sentinels, with their port given or defaulted", async () => {
            assert.strictEqual(await changes(() => undefined), false);
            assert.strictEqual(await changes((i) => i.sentinel!.sentinels.forEach((s) => delete s.port)), false);
            assert.strictEqual(await changes((i) => (i.password = "another-Passw0rd")), false);
        });

        it("re-runs the check when a sentinel's endpoint, IP or port, the master name, the quorum or the list changes", async () => {
            assert.strictEqual(await changes((i) => (i.sentinel!.sentinels[0]!.endpoint = "127.0.0.1:36380")), true);
            assert.strictEqual(await changes((i) => (i.sentinel!.sentinels[1]!.ip = "172.28.0.50")), true);
            assert.strictEqual(await changes((i) => (i.sentinel!.sentinels[2]!.port = 26380)), true);
            assert.strictEqual(await changes((i) => (i.sentinel!.masterName = "cache")), true);
            assert.strictEqual(await changes((i) => (i.sentinel!.quorum = 3)), true);
            assert.strictEqual(await changes((i) => i.sentinel!.sentinels.pop()), true);
            assert.strictEqual(await changes((i) => delete i.sentinel), true, "sentinel turned off");
            assert.strictEqual(await changes((i) => (i.replicas[0]!.port = 6390)), true);
        });
    });
});

describe("ReplicationCheck resource (mocks)", () => {
    let check: Check.ReplicationCheck;
    let record: Registered;

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "redis-replication", "unit", false);
        const mod = await import("../../components/replicationCheck");
        const { password: _p, ...args } = validInputs();
        check = new mod.ReplicationCheck("unit-check", { ...args, password: pulumi.output(PASSWORD) });
        await promiseOf(check.durationMs);
        record = registered.find((r) => r.name === "unit-check")!;
    });

    it("registers as redis:ReplicationCheck with outputs read back from state", async () => {
        assert.strictEqual(record.type, "pulumi-nodejs:dynamic/redis:ReplicationCheck");
        assert.strictEqual(await promiseOf(check.durationMs), 42, "declare readonly outputs are wired to state");
        assert.strictEqual(await promiseOf(check.masterReplId), "f".repeat(40));
        assert.deepStrictEqual(await promiseOf(check.replicaStatus), []);
        assert.strictEqual(record.inputs.masterEndpoint, "127.0.0.1:6380");
        assert.deepStrictEqual(record.inputs.containerIds, ["aaa", "bbb", "ccc"]);
    });

    it("sends the password as a secret, and the serialized provider without it", async () => {
        const pw = record.inputs.password;
        assert.ok(typeof pw === "object" && Object.values(pw).includes(SECRET_SIG), `password is not secret: ${JSON.stringify(pw)}`);
        assert.strictEqual(pw.value, PASSWORD);
        const text = record.inputs.__provider;
        assert.strictEqual(typeof text, "string");
        assert.ok(!text.includes(PASSWORD));
        const mod = await import("../../components/replicationCheck");
        assert.strictEqual(
            text,
            (await serializeProvider(mod.replicationCheckProvider)).text,
            "loadSerialized's serializeProvider mirrors the SDK",
        );
    });
});

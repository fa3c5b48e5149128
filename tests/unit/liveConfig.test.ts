// What a live change may touch: the fingerprint that decides a container's replacement leaves
// the password and the live settings out, and NodeBoot keeps what a container was created with.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { GroupSpec, parseGroupConfig, splitSettings } from "../../config";
import { nodeFingerprint } from "../../components/boot";
import { liveConfigProvider, nodeBootProvider } from "../../components/liveConfig";
import type { BootSettings, NodeBootOutputs } from "../../components/liveConfig";
import type { NodeContext } from "../../components/nodeContext";
import { renderRedisConf } from "../../components/redisConf";
import { changedSettings } from "../../components/liveConfig/settings";
import { promiseOf } from "../../harness/pulumi";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";

function fingerprintOf(spec: GroupSpec, password = "first-Passw0rd", image = "sha256:aa"): Promise<string[]> {
    const plan = parseGroupConfig(spec);
    const ctx = {
        name: "unit",
        plan,
        place: () => ({ image: pulumi.output(image), networkName: pulumi.output("unit-net") }),
        password: pulumi.output(password),
    } as unknown as NodeContext;
    return Promise.all(
        [plan.master, ...plan.replicas].map((n) => promiseOf(nodeFingerprint(ctx, n, n.role === "replica" ? "10.89.0.2:6379" : ""))),
    );
}

describe("the fingerprint that replaces a container", () => {
    const base = ONE_MASTER_TWO_REPLICAS;

    it("stays the same for a new password and for any live change, typed or free-form", async () => {
        const first = await fingerprintOf(base);
        assert.deepStrictEqual(await fingerprintOf(base, "second-Passw0rd"), first);
        const live: GroupSpec = {
            ...base,
            maxmemoryPolicy: "allkeys-lru",
            maxmemory: "64mb",
            replication: { minReplicasToWrite: 1, disklessSync: true },
            persistence: { appendonly: false, save: [] },
            redisConfig: { hz: 20, "lazyfree-lazy-eviction": "yes" },
        };
        assert.deepStrictEqual(await fingerprintOf(live), first);
    });

    it("changes with a restart setting, the cpus, the image or the address of a node", async () => {
        const first = await fingerprintOf(base);
        for (const [what, other] of [
            ["a restart directive", fingerprintOf({ ...base, redisConfig: { databases: 4 } })],
            ["cpus", fingerprintOf({ ...base, resources: { cpus: 2 } })],
            ["the image", fingerprintOf(base, undefined, "sha256:bb")],
            ["the volume kind", fingerprintOf({ ...base, persistence: { volume: "hostPath", hostPath: "/srv/redis" } })],
        ] as const) {
            const changed = await other;
            assert.ok(
                changed.every((f, i) => f !== first[i]),
                `${what} replaces every node`,
            );
        }
    });
});

describe("NodeBoot's provider", () => {
    const boot = (live: Record<string, string>, password = "pw-1"): BootSettings => ({ password, live });
    const olds: NodeBootOutputs = { fingerprint: "f1", current: boot({ hz: "10" }), boot: boot({ hz: "10" }) };

    it("keeps what the container was created with while the fingerprint stays: a new password or value changes nothing", async () => {
        const diff = await nodeBootProvider.diff!("id", olds, { fingerprint: "f1", current: boot({ hz: "20", maxmemory: "1mb" }, "pw-2") });
        assert.strictEqual(diff.changes, false);
    });

    it("takes the current settings when the fingerprint changes, or when a live setting was removed (only a new container drops it)", async () => {
        assert.strictEqual((await nodeBootProvider.diff!("id", olds, { fingerprint: "f2", current: olds.current })).changes, true);
        assert.strictEqual((await nodeBootProvider.diff!("id", olds, { fingerprint: "f1", current: boot({}) })).changes, true);
        const updated = await nodeBootProvider.update!("id", olds, { fingerprint: "f2", current: boot({ hz: "30" }, "pw-3") });
        assert.deepStrictEqual(updated.outs!.boot, boot({ hz: "30" }, "pw-3"));
        const created = await nodeBootProvider.create({ fingerprint: "f1", current: boot({ hz: "5" }) });
        assert.deepStrictEqual(created.outs!.boot, boot({ hz: "5" }));
    });
});

describe("live settings", () => {
    it("changes only what differs; a removed setting is left to the container's replacement", () => {
        assert.deepStrictEqual(changedSettings({ hz: "10", maxmemory: "0", a: "1" }, { hz: "20", maxmemory: "0", b: "2" }), {
            hz: "20",
            b: "2",
        });
    });

    it("renders the live settings a container was created with, not the plan's", () => {
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, maxmemoryPolicy: "allkeys-lru", redisConfig: { databases: 4 } });
        const creds = { admin: "a", replication: "r", sentinel: "s" };
        const live = { ...splitSettings(plan).live, "maxmemory-policy": "noeviction" };
        const conf = renderRedisConf(plan.master, plan, { password: "pw", creds }, { replicaOf: "", live });
        assert.match(conf, /^maxmemory-policy noeviction$/m);
        assert.doesNotMatch(conf, /allkeys-lru/);
        assert.match(conf, /^databases 4$/m, "restart settings always come from the plan");
    });
});

describe("LiveConfig and TLS turned on or off", () => {
    it("refuses to turn TLS on for a running group, before touching any node", async () => {
        const node = { name: "g-master", endpoint: "127.0.0.1:1", ip: "10.0.0.2" };
        const olds = {
            dataNodes: [node],
            settings: {},
            admin: { username: "admin", password: "a" },
            timeoutMs: 1000,
            generation: 1,
            changed: [],
            admittedPassword: false,
        };
        const news = { ...olds, tls: { ca: "ca", cert: "cert", key: "key" } };
        assert.strictEqual((await liveConfigProvider.diff!("id", olds, news)).changes, true);
        await assert.rejects(
            liveConfigProvider.update!("id", olds, news),
            /^Error: tls: turning TLS on for a running group is not supported/,
        );
    });
});

// Which data nodes the rollout chain holds, read off the registrations under Pulumi's mocks: only
// the nodes whose container exists when the program runs (a fake engine lists them), so a first
// deploy and new replicas are created side by side; an engine that doesn't answer chains them all.
// And the one engine's teardown: every Docker resource deleted with the group's HostPresence.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../../components";
import { promiseOf } from "../../harness/pulumi";
import { withFakeDocker } from "../support/fakeDocker";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";
import { recordingMocks, Registered } from "../support/mocks";
import { nameOf, recordRegistrations } from "../support/registrations";
import { PROJECT } from "../support/stackConfig";

const registered: Registered[] = [];
const registrations = recordRegistrations();
const CONTAINER = "docker:index/container:Container";

/** Deploys a group named `name` (containers redis-<name>-<key>) under the mocks, with `replicas` replicas. */
async function deployGroup(name: string, replicas = 2): Promise<void> {
    await pulumi.runtime.setMocks(recordingMocks(registered), PROJECT, "unit", false);
    const { RedisReplicationGroup } = (await import("../../components")) as typeof Components;
    const group = new RedisReplicationGroup(name, {
        ...ONE_MASTER_TWO_REPLICAS,
        replicas: undefined,
        replicaCount: replicas,
        name: `redis-${name}`,
        password: pulumi.secret("unit-chain-Passw0rd"),
    });
    await promiseOf(group.replication);
}

/** The other data nodes' rejoins a resource waits for directly. */
function nodeWaits(name: string, resource: string): string[] {
    const rejoin = new RegExp(`^${name}-(master|replica-\\d+)-rejoin$`);
    return (registrations.get(resource)?.dependencies ?? []).map(nameOf).filter((d) => rejoin.test(d));
}

const containersOf = (name: string, keys: string[]) => keys.map((k) => `redis-${name}-${k}`);

describe("the rollout chain holds the nodes that exist (mocks, a fake engine)", function () {
    it("a first deploy: no container exists, so no data container waits for another node", async () => {
        await withFakeDocker([], async (fake) => {
            await deployGroup("first");
            assert.ok(fake.listed() >= 1, "the program asked the engine");
        });
        for (const key of ["master", "replica-1", "replica-2"]) assert.deepStrictEqual(nodeWaits("first", `first-${key}`), [], key);
        for (const key of ["master", "replica-1", "replica-2"]) {
            assert.ok(
                (registrations.get("first-check")?.dependencies ?? []).map(nameOf).includes(`first-${key}-rejoin`),
                `the check still waits for ${key} to be back`,
            );
        }
    });

    it("a rollout: every container exists, so they are chained, replicas first and the master last", async () => {
        await withFakeDocker(containersOf("rolled", ["master", "replica-1", "replica-2"]), () => deployGroup("rolled"));
        assert.deepStrictEqual(nodeWaits("rolled", "rolled-replica-1"), []);
        assert.deepStrictEqual(nodeWaits("rolled", "rolled-replica-2"), ["rolled-replica-1-rejoin"]);
        assert.deepStrictEqual(nodeWaits("rolled", "rolled-master"), ["rolled-replica-2-rejoin"]);
    });

    it("a scale-up: the new replica is in no chain; the nodes that exist stay chained", async () => {
        await withFakeDocker(containersOf("scaled", ["master", "replica-1", "replica-2"]), () => deployGroup("scaled", 3));
        assert.deepStrictEqual(nodeWaits("scaled", "scaled-replica-3"), [], "created beside the others");
        assert.deepStrictEqual(nodeWaits("scaled", "scaled-replica-2"), ["scaled-replica-1-rejoin"]);
        assert.deepStrictEqual(nodeWaits("scaled", "scaled-master"), ["scaled-replica-2-rejoin"], "not after the new replica");
    });

    it("an engine that doesn't answer: every node counts as existing, and the chain stands", async () => {
        const before = process.env.DOCKER_HOST;
        process.env.DOCKER_HOST = "unix:///nonexistent/rr-unit-docker.sock";
        try {
            await deployGroup("unknown");
        } finally {
            if (before === undefined) delete process.env.DOCKER_HOST;
            else process.env.DOCKER_HOST = before;
        }
        assert.deepStrictEqual(nodeWaits("unknown", "unknown-replica-2"), ["unknown-replica-1-rejoin"]);
        assert.deepStrictEqual(nodeWaits("unknown", "unknown-master"), ["unknown-replica-2-rejoin"]);
    });

    it("the one engine is cleared as a host is: its Docker resources are deleted with its HostPresence, after its HostTeardown", () => {
        const presence = registered.find((r) => r.name === "first-presence");
        const teardown = registered.find((r) => r.name === "first-teardown");
        assert.ok(presence && teardown, "a HostPresence and a HostTeardown for the one engine");
        assert.strictEqual(teardown.inputs.host, "", "named as the one engine");
        const docker = registered.filter((r) => r.type.startsWith("docker:index/") && r.name.startsWith("first-"));
        assert.ok(docker.filter((r) => r.type === CONTAINER).length === 3 && docker.length >= 7, docker.map((r) => r.name).join(", "));
        for (const r of docker) {
            assert.strictEqual(
                nameOf(registrations.get(r.name)?.deletedWith ?? ""),
                "first-presence",
                `${r.name} is deleted with the presence`,
            );
        }
        for (const n of ["first-network", "first-image"]) {
            assert.ok((registrations.get(n)?.dependencies ?? []).map(nameOf).includes("first-teardown"), `${n} goes before the teardown`);
        }
    });
});

// The component's resource graph under Pulumi's mock monitor: nothing is created, every
// registration is recorded with its inputs, and the assertions read those records.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../../components";
import { parseGoDuration } from "../../harness/liveDocker/container/body";
import { goDurationString } from "../../harness/liveDocker/container/readBack";
import { promiseOf } from "../../harness/pulumi";
import { withFakeDocker } from "../support/fakeDocker";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";
import { hashedPassword } from "../../components/acl";
import { TestCa } from "../../harness/tlsCerts";
import { CHECK_TYPE, isSecretValue, MOCK_IMAGE_ID, mockPassword, recordingMocks, Registered, reveal } from "../support/mocks";
import { nameOf, recordRegistrations } from "../support/registrations";
import { PROJECT, readStackConfig } from "../support/stackConfig";

const registered: Registered[] = [];
const PASSWORD = "unit-test-Passw0rd";
const IMAGE_ID = MOCK_IMAGE_ID;
const registrations = recordRegistrations();
const mocks = recordingMocks(registered);

const ofType = (type: string, prefix: string) => registered.filter((r) => r.type === type && r.name.startsWith(prefix));
/** URNs of everything registered, from the mock monitor: the type chain shows each resource's parent. */
function urns(): string[] {
    const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> };
    return [...monitor.getRegisteredResources().keys()];
}

describe("RedisReplicationGroup (mocks)", function () {
    let components: typeof Components;
    let group: Components.RedisReplicationGroup;
    const name = "unit";

    before(async () => {
        await pulumi.runtime.setMocks(mocks, PROJECT, "unit", false);
        components = await import("../../components");
        // As on a later `up`: every node's container exists, so the rollout chain holds them all.
        await withFakeDocker(
            ["master", "replica-1", "replica-2"].map((k) => `redis-unit-${k}`),
            async () => {
                group = new components.RedisReplicationGroup(name, {
                    ...ONE_MASTER_TWO_REPLICAS,
                    name: "redis-unit",
                    password: pulumi.secret(PASSWORD),
                    resources: { memoryMb: 256, cpus: 1 },
                });
                await promiseOf(group.replication);
            },
        );
    });

    it("replaces the network, the volumes and the containers delete-first: their names, IPs and ports are fixed", () => {
        const docker = registered.filter((r) => /^docker:index\/(network|volume|container):/.test(r.type) && r.name.startsWith(name));
        assert.strictEqual(docker.length, 7);
        for (const r of docker) assert.strictEqual(registrations.get(r.name)?.deleteBeforeReplace, true, r.name);
        assert.strictEqual(registrations.get(`${name}-image`)?.deleteBeforeReplace, false, "the image is rebuilt in place, never replaced");
    });

    it("rolls the data nodes one at a time, replicas first: each container waits for the node before it to rejoin", () => {
        // Only the rollout's edges: data-node containers and rejoins (not the image, network or volume).
        const deps = (n: string) =>
            (registrations.get(n)?.dependencies ?? []).map(nameOf).filter((d) => /-(master|replica-\d+)(-rejoin)?$/.test(d));
        const rejoinOf = (key: string) => registered.find((r) => r.name === `${name}-${key}-rejoin`)!;
        assert.deepStrictEqual(deps(`${name}-replica-1`), [], "the first replica starts the chain");
        assert.deepStrictEqual(deps(`${name}-replica-2`), [`${name}-replica-1-rejoin`]);
        assert.deepStrictEqual(deps(`${name}-master`), [`${name}-replica-2-rejoin`], "the master goes last");
        for (const [key, replicaOf] of [
            ["replica-1", "10.89.0.2:6379"],
            ["replica-2", "10.89.0.2:6379"],
            ["master", ""],
        ] as const) {
            const rejoin = rejoinOf(key);
            assert.deepStrictEqual(deps(rejoin.name), [`${name}-${key}`], `${key}'s rejoin waits for its container`);
            assert.strictEqual(rejoin.inputs.containerId, `${name}-${key}-id`, "a replaced container makes it wait again");
            assert.strictEqual(rejoin.inputs.replicaOf, replicaOf);
            assert.strictEqual(rejoin.inputs.timeoutMs, 60000);
            assert.ok(isSecretValue(rejoin.inputs.password), "the password reaches the rejoin as a secret");
            assert.strictEqual(rejoin.inputs.removesLeavers, key === "master" ? true : undefined, "the last one detaches removed replicas");
        }
        for (const key of ["master", "replica-1", "replica-2"]) {
            assert.ok(deps(`${name}-check`).includes(`${name}-${key}-rejoin`), `the check runs after ${key} rejoined`);
        }
        for (const key of ["master", "replica-1", "replica-2"]) {
            const c = registered.find((r) => r.name === `${name}-${key}`)!;
            assert.strictEqual(c.inputs.destroyGraceSeconds, 15, "stopped with a grace period, so Redis shuts down cleanly");
        }
    });

    it("applies live changes before the chain and retires an old password after it; each container is created from its NodeBoot", () => {
        const deps = (n: string) => (registrations.get(n)?.dependencies ?? []).map(nameOf);
        const live = registered.find((r) => r.name === `${name}-live-config`)!;
        assert.strictEqual(live.type, "pulumi-nodejs:dynamic/redis:LiveConfig");
        assert.ok(deps(`${name}-replica-1`).includes(`${name}-live-config`), "the first node of the chain waits for the live change");
        assert.deepStrictEqual(
            live.inputs.dataNodes.map((n: { name: string }) => n.name),
            ["redis-unit-master", "redis-unit-replica-1", "redis-unit-replica-2"],
        );
        assert.strictEqual(live.inputs.settings["maxmemory-policy"], "noeviction");
        assert.strictEqual(live.inputs.settings.databases, undefined);
        assert.ok(isSecretValue(live.inputs.password), "the live configuration gets the password as a secret");
        const commit = registered.find((r) => r.name === `${name}-password-commit`)!;
        assert.ok(isSecretValue(commit.inputs.password));
        for (const key of ["master", "replica-1", "replica-2"]) {
            assert.ok(deps(commit.name).includes(`${name}-${key}-rejoin`), `the commit comes after ${key} rejoined`);
            const boot = registered.find((r) => r.name === `${name}-${key}-boot`)!;
            assert.match(boot.inputs.fingerprint, /^[0-9a-f]{64}$/);
            assert.ok(isSecretValue(boot.inputs.current), "what a container is created with holds the password: a secret");
        }
        assert.ok(deps(`${name}-check`).includes(commit.name), "the check verifies the group with the new password alone");
        const check = ofType(CHECK_TYPE, name)[0]!;
        assert.strictEqual(check.inputs.configGeneration, 1, "the check is handed the live configuration's generation");
        assert.strictEqual(check.inputs.verifyToken, undefined, 'verify "changes": no token, so a no-op up runs no check');
    });

    it("creates nothing before the preflight: every other resource depends on it, directly or through another", () => {
        const deps = (n: string) => (registrations.get(n)?.dependencies ?? []).map(nameOf);
        const reaches = (n: string, seen = new Set<string>()): boolean => {
            if (n === `${name}-preflight`) return true;
            if (seen.has(n)) return false;
            seen.add(n);
            return deps(n).some((d) => reaches(d, seen));
        };
        const children = registered.filter((r) => r.name.startsWith(`${name}-`) && r.name !== `${name}-preflight`);
        assert.ok(children.length > 10);
        assert.deepStrictEqual(
            children.filter((r) => !reaches(r.name)).map((r) => r.name),
            [],
        );
        const preflight = registered.find((r) => r.name === `${name}-preflight`)!;
        assert.ok(isSecretValue(preflight.inputs.password), "the preflight gets the password as a secret");
        assert.deepStrictEqual(
            preflight.inputs.hostPorts.map((p: { path: string; value: number }) => `${p.path}=${p.value}`),
            ["master.hostPort=6380", "replicas[0].hostPort=6381", "replicas[1].hostPort=6382"],
        );
    });

    it("declares an image, a network, a volume and a container per node, and one check", () => {
        const counts = (type: string) => ofType(type, name).length;
        assert.strictEqual(counts("docker:index/image:Image"), 1);
        assert.strictEqual(counts("docker:index/network:Network"), 1);
        assert.strictEqual(counts("docker:index/volume:Volume"), 3);
        assert.strictEqual(counts("docker:index/container:Container"), 3);
        assert.strictEqual(counts(CHECK_TYPE), 1);
        assert.strictEqual(counts("command:local:Command"), 0);
    });

    it("parents every child on the component, named after it", () => {
        const parentType = `${components.GROUP_TYPE}$`;
        const children = urns().filter((urn) => urn.includes(parentType) && urn.endsWith(`::${name}-master`));
        assert.strictEqual(children.length, 1, "the master container's URN has the component as parent");
        for (const r of registered.filter((r) => r.name.startsWith(`${name}-`))) {
            const urn = urns().find((u) => u.endsWith(`::${r.name}`));
            assert.ok(urn?.includes(parentType), `${r.name} is not a child of the group: ${urn}`);
        }
    });

    it("registers as <package>:index:<class>, aliased to its former type so earlier stacks keep every resource", () => {
        assert.strictEqual(components.GROUP_TYPE, "redis-replication:index:RedisReplicationGroup");
        assert.strictEqual(registrations.get(name)?.type, components.GROUP_TYPE);
        assert.deepStrictEqual(registrations.get(name)?.aliasTypes, ["redis:index:ReplicationGroup"]);
    });

    it("builds docker/Dockerfile with the pinned base image as a build arg, and pushes nothing", () => {
        const [image] = ofType("docker:index/image:Image", name);
        assert.strictEqual(image?.inputs.build.dockerfile, "docker/Dockerfile");
        assert.strictEqual(image?.inputs.build.context, "docker");
        assert.deepStrictEqual(image?.inputs.build.args, { REDIS_BASE_IMAGE: "redis:7.2.5-alpine" });
        assert.strictEqual(image?.inputs.build.builderVersion, "BuilderV1");
        assert.strictEqual(image?.inputs.skipPush, true);
    });

    it("keeps docker/Dockerfile free of RUN: it builds on any base, a shell-less one too (the test base has a shell for the backup)", () => {
        const dockerfile = fs.readFileSync(path.join(__dirname, "..", "..", "docker", "Dockerfile"), "utf8");
        assert.deepStrictEqual(
            dockerfile.split("\n").filter((l) => /^\s*RUN\b/i.test(l)),
            [],
        );
    });

    it("creates the network with the fixed subnet and gateway, labelled with the group", () => {
        const [network] = ofType("docker:index/network:Network", name);
        assert.strictEqual(network?.inputs.name, "redis-unit-net");
        assert.deepStrictEqual(network?.inputs.ipamConfigs, [{ subnet: "10.89.0.0/24", gateway: "10.89.0.1" }]);
        assert.deepStrictEqual(network?.inputs.labels, [{ label: "redis-replication.group", value: "redis-unit" }]);
    });

    it("gives each container its static IP, 127.0.0.1 port map, volume, limits, restart policy, healthcheck and labels", () => {
        const expected = [
            ["master", "10.89.0.2", 6380],
            ["replica-1", "10.89.0.3", 6381],
            ["replica-2", "10.89.0.4", 6382],
        ] as const;
        for (const [key, ip, port] of expected) {
            const c = registered.find((r) => r.name === `${name}-${key}`)!;
            assert.strictEqual(c.inputs.name, `redis-unit-${key}`);
            assert.strictEqual(c.inputs.image, IMAGE_ID, "the built image's ID, which changes with every rebuild");
            assert.deepStrictEqual(c.inputs.networksAdvanced, [{ name: "redis-unit-net", ipv4Address: ip, aliases: [key] }]);
            assert.deepStrictEqual(c.inputs.ports, [{ internal: 6379, external: port, ip: "127.0.0.1", protocol: "tcp" }]);
            assert.deepStrictEqual(c.inputs.volumes, [{ volumeName: `redis-unit-${key}-data`, containerPath: "/data" }]);
            assert.strictEqual(c.inputs.restart, "unless-stopped");
            assert.strictEqual(c.inputs.memory, 256);
            assert.strictEqual(c.inputs.memorySwap, 512, "memory_swap as Docker reads it back, or every up updates it");
            assert.strictEqual(c.inputs.cpus, "1.0", "cpus in the form the provider reads back");
            for (const d of ["interval", "timeout", "startPeriod"]) {
                const given = c.inputs.healthcheck[d] as string;
                assert.strictEqual(goDurationString(parseGoDuration(given)), given, `healthcheck.${d} in Go's Duration.String form`);
            }
            assert.deepStrictEqual(c.inputs.healthcheck.tests, [
                "CMD",
                "redis-cli",
                "-e",
                "--no-auth-warning",
                "--user",
                "healthcheck",
                "--pass",
                "healthcheck",
                "ping",
            ]);
            const labels = Object.fromEntries((c.inputs.labels as { label: string; value: string }[]).map((l) => [l.label, l.value]));
            assert.deepStrictEqual(labels, {
                "redis-replication.group": "redis-unit",
                "redis-replication.role": key === "master" ? "master" : "replica",
                "redis-replication.node": key,
            });
        }
    });

    it("uploads each node's rendered redis.conf; replicas follow the master's static IP", () => {
        const confOf = (key: string) => {
            const raw = registered.find((r) => r.name === `${name}-${key}`)!.inputs.uploads;
            assert.ok(isSecretValue(raw), `${key}'s uploaded config is not a secret`);
            const uploads = reveal(raw) as { file: string; content: string }[];
            assert.strictEqual(uploads.length, 1);
            assert.strictEqual(uploads[0]!.file, "/usr/local/etc/redis/redis.conf");
            return uploads[0]!.content;
        };
        assert.doesNotMatch(confOf("master"), /^replicaof/m);
        assert.match(
            confOf("master"),
            new RegExp(`^user default on ${hashedPassword(PASSWORD)} ~\\* &\\* \\+@all -@admin \\+role -flushall -flushdb$`, "m"),
        );
        assert.match(confOf("master"), new RegExp(`^user admin on ${hashedPassword(mockPassword(`${name}-admin-password`))} `, "m"));
        for (const key of ["replica-1", "replica-2"]) {
            assert.match(confOf(key), /^replicaof 10\.89\.0\.2 6379$/m);
            assert.match(confOf(key), /^replica-read-only yes$/m);
            assert.match(confOf(key), /^masteruser replication$/m);
            assert.match(confOf(key), new RegExp(`^masterauth ${mockPassword(`${name}-replication-password`)}$`, "m"));
        }
    });

    it("generates the group's own users' passwords once, with @pulumi/random: letters and digits, 32 of them", () => {
        const passwords = ofType("random:index/randomPassword:RandomPassword", name);
        assert.deepStrictEqual(
            passwords.map((p) => p.name),
            ["admin", "replication", "sentinel"].map((user) => `${name}-${user}-password`),
        );
        for (const p of passwords) assert.deepStrictEqual(p.inputs, { length: 32, special: false });
    });

    it("keeps the password out of every command, env and label", () => {
        for (const c of ofType("docker:index/container:Container", name)) {
            const exposed = JSON.stringify([
                c.inputs.command,
                c.inputs.envs,
                c.inputs.labels,
                c.inputs.entrypoints,
                c.inputs.healthcheck,
                c.inputs.name,
            ]);
            assert.ok(!exposed.includes(PASSWORD), `${c.name} exposes the password`);
        }
    });

    it("checks after every container: their ids are its inputs, with endpoints through the published ports", () => {
        const [check] = ofType(CHECK_TYPE, name);
        const containerIds = ofType("docker:index/container:Container", name).map((c) => `${c.name}-id`);
        assert.deepStrictEqual([...check!.inputs.containerIds].sort(), containerIds.sort());
        assert.strictEqual(check!.inputs.masterEndpoint, "127.0.0.1:6380");
        assert.strictEqual(check!.inputs.masterIp, "10.89.0.2");
        assert.strictEqual(check!.inputs.expectedReplicas, 2);
        assert.deepStrictEqual(check!.inputs.replicas, [
            { name: "redis-unit-replica-1", endpoint: "127.0.0.1:6381", ip: "10.89.0.3" },
            { name: "redis-unit-replica-2", endpoint: "127.0.0.1:6382", ip: "10.89.0.4" },
        ]);
        assert.strictEqual(check!.inputs.username, "admin", "the check logs in as the admin user");
        assert.ok(isSecretValue(check!.inputs.password), "the check's password is not a secret input");
        assert.strictEqual(reveal(check!.inputs.password), mockPassword(`${name}-admin-password`));
        assert.strictEqual(check!.inputs.timeoutMs, 60000);
        assert.strictEqual(check!.inputs.pollIntervalMs, 10);
    });

    it("marks the outputs that hold the password secret (the URLs, the connection), and nothing else of the outputs", async () => {
        const outputs = Object.entries(group).filter(([key, v]) => pulumi.Output.isInstance(v) && key !== "urn");
        assert.strictEqual(outputs.length, 17);
        const secret = [];
        for (const [key, v] of outputs) if (await pulumi.isSecret(v as pulumi.Output<unknown>)) secret.push(key);
        assert.deepStrictEqual(secret.sort(), ["adminPassword", "connection", "masterUrl", "replicaUrls"]);
        assert.strictEqual(await promiseOf(group.masterUrl), `redis://default:${PASSWORD}@127.0.0.1:6380`);
    });

    it("hands a container on the group's network its connection: static IPs, port 6379, the password and the URL", async () => {
        const { master, replicas } = await promiseOf(group.connection);
        const node = (ip: string) => ({ host: ip, port: 6379, password: PASSWORD, url: `redis://default:${PASSWORD}@${ip}:6379` });
        const without = (n: object) => ({ ...n, sentinels: undefined, tls: undefined });
        assert.deepStrictEqual(without(master), without(node("10.89.0.2")));
        assert.deepStrictEqual(
            replicas.map(without),
            ["10.89.0.3", "10.89.0.4"].map((ip) => without(node(ip))),
        );
        assert.strictEqual(master.tls, undefined, "no TLS options without TLS");
        assert.strictEqual(master.sentinels, undefined, "no sentinels without Sentinel");
    });

    it("exports endpoints, container names, the network, and the check's result", async () => {
        assert.strictEqual(await promiseOf(group.masterEndpoint), "127.0.0.1:6380");
        assert.deepStrictEqual(await promiseOf(group.replicaEndpoints), ["127.0.0.1:6381", "127.0.0.1:6382"]);
        assert.strictEqual(await promiseOf(group.masterContainerName), "redis-unit-master");
        assert.deepStrictEqual(await promiseOf(group.replicaContainerNames), ["redis-unit-replica-1", "redis-unit-replica-2"]);
        assert.strictEqual(await promiseOf(group.networkName), "redis-unit-net");
        assert.strictEqual(await promiseOf(group.subnet), "10.89.0.0/24");
        const replication = await promiseOf(group.replication);
        assert.strictEqual(replication.durationMs, 42);
        assert.strictEqual(replication.master, "redis-unit-master");
        assert.strictEqual(replication.masterEndpoint, "127.0.0.1:6380");
        assert.deepStrictEqual(
            replication.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );
    });

    it("lets two groups live in one stack without a shared name", async () => {
        const second = new components.RedisReplicationGroup("second", {
            network: { subnet: "10.88.0.0/24" },
            master: { hostPort: 7380 },
            replicaCount: 1,
            password: PASSWORD,
        });
        await promiseOf(second.replication);
        const resourceNames = registered.map((r) => `${r.type}::${r.name}`);
        assert.strictEqual(new Set(resourceNames).size, resourceNames.length, "resource names collide");
        const dockerNames = registered
            .filter((r) => r.type.startsWith("docker:"))
            .map((r) => `${r.type}::${r.inputs.name ?? r.inputs.imageName}`);
        assert.strictEqual(new Set(dockerNames).size, dockerNames.length, "Docker object names collide");
        assert.strictEqual(await promiseOf(second.masterContainerName), "second-master");
        assert.strictEqual(await promiseOf(second.networkName), "second-net");
    });

    it('with verify "always", hands the check a new token on every run, so every up runs it', async () => {
        const tokens = [];
        for (const run of [1, 2]) {
            const g = new components.RedisReplicationGroup(`always${run}`, {
                network: { subnet: `10.87.${run}.0/24` },
                master: { hostPort: 7390 + run * 2 },
                replicaCount: 1,
                password: PASSWORD,
                verify: "always",
            });
            await promiseOf(g.replication);
            tokens.push(ofType(CHECK_TYPE, `always${run}`)[0]!.inputs.verifyToken);
        }
        assert.ok(tokens.every((t) => typeof t === "string" && t.length > 0));
        assert.notStrictEqual(tokens[0], tokens[1]);
    });

    it("creates no network or image when given existing ones", async () => {
        const reuse = new components.RedisReplicationGroup("reuse", {
            network: { existing: "shared-net", subnet: "10.87.0.0/24" },
            image: { name: "redis-replication/prebuilt:1" },
            master: { ip: "10.87.0.10", hostPort: 7480 },
            replicaCount: 1,
            password: PASSWORD,
        });
        await promiseOf(reuse.replication);
        assert.strictEqual(ofType("docker:index/network:Network", "reuse").length, 0);
        assert.strictEqual(ofType("docker:index/image:Image", "reuse").length, 0);
        const master = registered.find((r) => r.name === "reuse-master")!;
        assert.strictEqual(master.inputs.image, "redis-replication/prebuilt:1");
        assert.strictEqual(master.inputs.networksAdvanced[0].name, "shared-net");
    });

    it("takes the existing network and the image as other resources' outputs: the preflight checks the network once known", async () => {
        const late = new components.RedisReplicationGroup("late", {
            network: { existing: pulumi.output("shared-late"), subnet: "10.85.0.0/24" },
            image: { name: Promise.resolve("redis-replication/prebuilt:2") },
            master: { ip: "10.85.0.10", hostPort: 7680 },
            replicaCount: 1,
            password: PASSWORD,
        });
        await promiseOf(late.replication);
        assert.strictEqual(ofType("docker:index/network:Network", "late").length, 0);
        assert.strictEqual(ofType("docker:index/image:Image", "late").length, 0);
        const master = registered.find((r) => r.name === "late-master")!;
        assert.strictEqual(master.inputs.image, "redis-replication/prebuilt:2");
        assert.strictEqual(master.inputs.networksAdvanced[0].name, "shared-late");
        const preflight = registered.find((r) => r.name === "late-preflight")!;
        assert.strictEqual(preflight.inputs.existingNetwork, "shared-late");
        assert.deepStrictEqual(preflight.inputs.names.networks, []);
        assert.strictEqual(await promiseOf(late.networkName), "shared-late");
        assert.strictEqual(await promiseOf(late.imageName), "redis-replication/prebuilt:2");
    });

    it("fingerprints a node alike whether the existing network came as text or as an output: switching fails nothing over", async () => {
        const args = (existing: pulumi.Input<string>) => ({
            name: "fp",
            network: { existing, subnet: "10.84.0.0/24" },
            image: { name: "redis-replication/prebuilt:3" },
            master: { ip: "10.84.0.10", hostPort: 7780 },
            replicaCount: 1,
            password: PASSWORD,
        });
        await promiseOf(new components.RedisReplicationGroup("fp-text", args("shared-fp")).replication);
        await promiseOf(new components.RedisReplicationGroup("fp-output", args(pulumi.output("shared-fp"))).replication);
        for (const key of ["master", "replica-1"]) {
            const fingerprint = (group: string) => registered.find((r) => r.name === `${group}-${key}-boot`)!.inputs.fingerprint as string;
            assert.match(fingerprint("fp-text"), /^[0-9a-f]{64}$/);
            assert.strictEqual(fingerprint("fp-output"), fingerprint("fp-text"), key);
        }
    });

    it("gives configured users to LiveConfig and to each node's redis.conf with their passwords hashed, and nowhere in plain text", async () => {
        const reader = "reader-Unit-Passw0rd";
        const withUsers = new components.RedisReplicationGroup("users", {
            network: { subnet: "10.83.0.0/24" },
            master: { hostPort: 7880 },
            replicaCount: 1,
            password: PASSWORD,
            users: [{ name: "reporting", password: pulumi.secret(reader), rules: "~report:* +@read" }],
        });
        await promiseOf(withUsers.replication);
        const rules = `on ${hashedPassword(reader)} ~report:* +@read`;
        const live = registered.find((r) => r.name === "users-live-config")!;
        assert.ok(isSecretValue(live.inputs.acl), "LiveConfig's acl input is a secret");
        assert.strictEqual(reveal(live.inputs.acl).users.reporting, rules);
        const upload = reveal(registered.find((r) => r.name === "users-master")!.inputs.uploads)[0].content as string;
        assert.match(upload, new RegExp(`^user reporting ${rules.replace(/[*+]/g, "\\$&")}$`, "m"));
        const everything = JSON.stringify(registered.filter((r) => r.name.startsWith("users-")).map((r) => r.inputs));
        assert.ok(!everything.includes(reader), "the user's password is somewhere in plain text");
    });

    it("with TLS: the PEMs uploaded private beside redis.conf, TLS on the node's port, the healthcheck, the check and the URLs over TLS", async () => {
        const ca = new TestCa();
        const node = ca.issue({ commonName: "unit", ips: ["127.0.0.1"] });
        const withTls = new components.RedisReplicationGroup("tls", {
            network: { subnet: "10.82.0.0/24" },
            master: { hostPort: 7980 },
            replicaCount: 1,
            password: PASSWORD,
            tls: { ca: ca.cert, cert: node.cert, key: node.key, authClients: true },
        });
        await promiseOf(withTls.replication);
        const master = registered.find((r) => r.name === "tls-master")!;
        const uploads = reveal(master.inputs.uploads) as { file: string; content: string; permissions: string; owner: string }[];
        assert.deepStrictEqual(
            uploads.map((u) => [u.file, u.permissions, u.owner]),
            [
                ["/usr/local/etc/redis/redis.conf", "0600", "999"],
                ["/usr/local/etc/redis/tls-ca.crt", "0600", "999"],
                ["/usr/local/etc/redis/tls.crt", "0600", "999"],
                ["/usr/local/etc/redis/tls.key", "0600", "999"],
            ],
        );
        assert.deepStrictEqual(
            uploads.slice(1).map((u) => u.content),
            [ca.cert, node.cert, node.key],
        );
        assert.match(uploads[0]!.content, /^port 0$/m);
        assert.match(uploads[0]!.content, /^tls-port 6379$/m);
        assert.match(uploads[0]!.content, /^tls-auth-clients yes$/m);
        assert.ok(master.inputs.healthcheck.tests.includes("--tls"), "the healthcheck connects over TLS");
        const check = registered.find((r) => r.name === "tls-check")!;
        assert.ok(isSecretValue(check.inputs.tls), "the check's TLS input is a secret");
        assert.strictEqual(reveal(check.inputs.tls).key, node.key);
        assert.match(await promiseOf(withTls.masterUrl), /^rediss:\/\/default:/);
        assert.strictEqual((await promiseOf(withTls.connection)).master.tls?.ca, ca.cert);
        assert.strictEqual(
            registered.find((r) => r.name === "tls-preflight")!.inputs.tls,
            undefined,
            "known PEMs are checked by the constructor",
        );
    });

    it("with TLS: refuses a certificate that doesn't name hostIp before anything exists; PEMs known later go to the preflight", async () => {
        const ca = new TestCa();
        const elsewhere = ca.issue({ commonName: "elsewhere", ips: ["10.1.2.3"] });
        const before = registered.length;
        assert.throws(
            () =>
                new components.RedisReplicationGroup("tlsbad", {
                    network: { subnet: "10.81.0.0/24" },
                    master: { hostPort: 8080 },
                    password: PASSWORD,
                    tls: { ca: ca.cert, cert: elsewhere.cert, key: elsewhere.key },
                }),
            /tls\.cert: does not name 127\.0\.0\.1, which clients connect to \(it names 10\.1\.2\.3\)/,
        );
        assert.strictEqual(registered.length, before, "nothing was registered");
        const late = new components.RedisReplicationGroup("tlslate", {
            network: { subnet: "10.81.0.0/24" },
            master: { hostPort: 8080 },
            replicaCount: 1,
            password: PASSWORD,
            tls: { ca: pulumi.output(ca.cert), cert: pulumi.output(elsewhere.cert), key: pulumi.secret(elsewhere.key) },
        });
        await promiseOf(late.replication);
        const preflight = registered.find((r) => r.name === "tlslate-preflight")!;
        assert.ok(isSecretValue(preflight.inputs.tls), "the preflight's TLS input is a secret");
        assert.deepStrictEqual(reveal(preflight.inputs.tls).names, ["127.0.0.1"]);
    });

    it("prepares host-path directories, owned by the redis user, before the containers", async () => {
        const onHost = new components.RedisReplicationGroup("onhost", {
            network: { subnet: "10.86.0.0/24" },
            master: { hostPort: 7580 },
            replicaCount: 1,
            persistence: { volume: "hostPath", hostPath: "/srv/redis" },
            password: PASSWORD,
        });
        await promiseOf(onHost.replication);
        const [dirs] = ofType("command:local:Command", "onhost");
        assert.match(dirs!.inputs.create, /^install -d -m 0750 -o 999 -g 999 /);
        assert.ok(dirs!.inputs.create.includes("'/srv/redis/replica-1/data'"));
        assert.strictEqual(ofType("docker:index/volume:Volume", "onhost").length, 0);
        const master = registered.find((r) => r.name === "onhost-master")!;
        assert.deepStrictEqual(master.inputs.volumes, [
            { hostPath: "/srv/redis/master/data", containerPath: "/data" },
            { hostPath: "/srv/redis/master/conf", containerPath: "/usr/local/etc/redis" },
        ]);
    });

    it("throws before creating anything on bad args, naming the property", () => {
        const before = registered.length;
        assert.throws(
            () => new components.RedisReplicationGroup("bad", { replicas: [{ ip: "10.89.0.300", hostPort: 1 }], password: PASSWORD }),
            /replicas\[0\]\.ip: 10\.89\.0\.300 is not an IPv4 address/,
        );
        assert.throws(() => new components.RedisReplicationGroup("nopass", { replicaCount: 1 }), /password: required/);
        assert.strictEqual(registered.length, before);
    });

    it("turns protected mode off, with a warning, only when auth is off", async () => {
        const open = new components.RedisReplicationGroup("open", {
            network: { subnet: "10.85.0.0/24" },
            master: { hostPort: 7680 },
            replicaCount: 1,
            auth: false,
        });
        await promiseOf(open.replication);
        const conf = reveal(registered.find((r) => r.name === "open-master")!.inputs.uploads)[0].content as string;
        assert.match(conf, /^protected-mode no$/m);
        assert.strictEqual(await promiseOf(open.masterUrl), "redis://127.0.0.1:7680");
    });
});

describe("index.ts with Pulumi.dev.yaml (mocks)", () => {
    it("builds one group from the dev stack's config and exports its outputs", async () => {
        const config = readStackConfig("dev");
        config[`${PROJECT}:password`] = PASSWORD;
        pulumi.runtime.setAllConfig(config, [`${PROJECT}:password`]);
        const program = await import("../../index");
        assert.strictEqual((await promiseOf(program.replication)).durationMs, 42);
        assert.strictEqual(await promiseOf(program.masterEndpoint), "127.0.0.1:6380");
        assert.deepStrictEqual(await promiseOf(program.replicaEndpoints), ["127.0.0.1:6381", "127.0.0.1:6382"]);
        assert.strictEqual(await promiseOf(program.networkName), "redis-dev-net");
        assert.strictEqual(await promiseOf(program.subnet), "10.89.0.0/24");
        assert.strictEqual(await pulumi.isSecret(program.masterUrl), true);
        const containers = registered.filter((r) => r.type === "docker:index/container:Container" && r.name.startsWith("redis-dev-"));
        assert.deepStrictEqual(
            containers.map((c) => c.inputs.networksAdvanced[0].ipv4Address),
            ["10.89.0.3", "10.89.0.4", "10.89.0.2"],
            "replicas first, the master last: the order replacements roll in",
        );
    });
});

// The live Docker backend itself (harness/liveDocker): a tiny program declared here (image
// from docker/Dockerfile on the test base, network, volume, one Redis container) goes through
// the SDK's mock monitor into real Docker objects, and we check what Docker and Redis say, not
// what the mocks recorded.
// Needs a Docker engine: in CI (CI=true) its absence fails the tier; elsewhere it skips.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import Redis from "ioredis";
import { dockerClient, REPO_ROOT, TEST_LABEL } from "../../harness/docker";
import { ensureBaseImage } from "../../harness/image";
import { clearStale, createLiveBackend, LiveBackend, requireDocker, teardownAndVerify } from "../../harness/liveDocker";
import { pollUntil, StopPolling } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";

// Fixed, so a crashed run's leftovers are found and cleared by the next one.
const TEST_VALUE = "harness";
const SUBNET = "10.231.250.0/24";
const GATEWAY = "10.231.250.1";
const STATIC_IP = "10.231.250.10";
const IMAGE_TAG = "redis-replication-test/node:harness";
const HEALTHCHECK = ["CMD", "redis-cli", "-e", "--no-auth-warning", "--user", "healthcheck", "--pass", "healthcheck", "ping"];
const REDIS_CONF = ["bind 0.0.0.0", "protected-mode no", "user healthcheck on nopass -@all +ping", "dir /data", ""].join("\n");

/** uid and mode of the one file in a tar from getArchive. */
function tarHeader(buf: Buffer): { uid: number; mode: number } {
    const num = (off: number, len: number): number =>
        parseInt(
            buf
                .subarray(off, off + len)
                .toString("ascii")
                .replace(/\0.*$/, "")
                .trim(),
            8,
        );
    return { mode: num(100, 8) & 0o7777, uid: num(108, 8) };
}

describe("docker tier: live backend for the SDK mocks", function () {
    this.timeout(120_000);
    const docker = dockerClient();
    let backend: LiveBackend | undefined;
    let containerId = "";
    let containerName = "";
    let networkName = "";
    let port = 0;
    const timings: Record<string, number> = {};

    before(async function () {
        await requireDocker(this);
        await clearStale(TEST_VALUE);

        let t = Date.now();
        const base = await ensureBaseImage();
        timings.baseImageMs = Date.now() - t;

        backend = createLiveBackend({ testLabel: TEST_VALUE, cwd: REPO_ROOT });
        await pulumi.runtime.setMocks(backend.mocks, "redis-replication", "harness");
        const docker_ = await import("@pulumi/docker");

        t = Date.now();
        const image = new docker_.Image("harness-image", {
            imageName: IMAGE_TAG,
            build: {
                context: "docker",
                dockerfile: "docker/Dockerfile",
                builderVersion: "BuilderV1",
                args: { REDIS_BASE_IMAGE: base },
            },
            skipPush: true,
        });
        await promiseOf(image.repoDigest);
        timings.projectImageMs = Date.now() - t;

        const network = new docker_.Network("harness-net", {
            name: "rr-harness-net",
            driver: "bridge",
            ipamConfigs: [{ subnet: SUBNET, gateway: GATEWAY }],
            labels: [{ label: "redis-replication.role", value: "harness" }],
        });
        const volume = new docker_.Volume("harness-data", { name: "rr-harness-data" });
        t = Date.now();
        const container = new docker_.Container("harness-redis", {
            name: "rr-harness-redis",
            image: image.repoDigest,
            networksAdvanced: [{ name: network.name, ipv4Address: STATIC_IP, aliases: ["redis-harness"] }],
            ports: [{ internal: 6379, ip: "127.0.0.1" }],
            volumes: [{ volumeName: volume.name, containerPath: "/data" }],
            uploads: [
                // Mode 0640 owned by 999: redis can read it only if owner and mode are honoured.
                { file: "/usr/local/etc/redis/redis.conf", content: REDIS_CONF, permissions: "0640", owner: "999", group: "999" },
            ],
            healthcheck: { tests: HEALTHCHECK, interval: "500ms", timeout: "2s", startPeriod: "5s", retries: 5 },
            memory: 128,
            destroyGraceSeconds: 5,
            labels: [{ label: "redis-replication.role", value: "harness" }],
        });
        containerId = await promiseOf(container.id);
        timings.containerCreatedMs = Date.now() - t;
        containerName = await promiseOf(container.name);
        networkName = await promiseOf(network.name);
        const ports = await promiseOf(container.ports);
        port = ports?.find((p) => p.internal === 6379)?.external ?? 0;
        assert.ok(port > 0, `no published port in the container's state: ${JSON.stringify(ports)}`);
        const datas = await promiseOf(container.networkDatas);
        assert.deepEqual(
            datas.map((d) => [d.networkName, d.ipAddress]),
            [[networkName, STATIC_IP]],
        );
    });

    after(async function () {
        if (backend === undefined) return;
        if (Object.keys(timings).length > 0) console.log(`    timings: ${JSON.stringify(timings)}`);
        await teardownAndVerify(backend, TEST_VALUE, [IMAGE_TAG]);
    });

    it("runs the container with its static IP, only on its network, and the port on 127.0.0.1", async () => {
        const info = await docker.getContainer(containerId).inspect();
        assert.equal(info.Name, `/${containerName}`);
        assert.deepEqual(Object.keys(info.NetworkSettings.Networks), [networkName]);
        assert.equal(info.NetworkSettings.Networks[networkName]?.IPAddress, STATIC_IP);
        assert.deepEqual(info.NetworkSettings.Ports["6379/tcp"], [{ HostIp: "127.0.0.1", HostPort: String(port) }]);
        assert.equal(info.Config.Labels[TEST_LABEL], TEST_VALUE);
        assert.equal(info.Config.Labels["redis-replication.role"], "harness");
        assert.equal(info.HostConfig.Memory, 128 * 1024 * 1024);
        assert.equal(info.Config.Healthcheck?.Interval, 500e6);
        const net = await docker.getNetwork(networkName).inspect();
        assert.equal(net.IPAM?.Config?.[0]?.Subnet, SUBNET);
        assert.equal(net.Labels?.[TEST_LABEL], TEST_VALUE);
    });

    it("answers PING on 127.0.0.1 and can write /data (a labelled named volume)", async () => {
        const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        try {
            await redis.connect();
            assert.equal(await redis.ping(), "PONG");
            await redis.set("harness", "ok");
            assert.equal(await redis.call("SAVE"), "OK");
        } finally {
            redis.disconnect();
        }
        const mounts = (await docker.getContainer(containerId).inspect()).Mounts;
        assert.deepEqual(
            mounts.map((m) => [m.Type, m.Name, m.Destination]),
            [["volume", "rr-harness-data", "/data"]],
        );
    });

    it("goes healthy through the authenticated healthcheck", async () => {
        const c = docker.getContainer(containerId);
        const started = Date.parse((await c.inspect()).State.StartedAt);
        await pollUntil("healthy", 30_000, async () => {
            const s = (await c.inspect()).State;
            if (!s.Running) throw new StopPolling(`container stopped: ${s.Status} ${s.ExitCode}`);
            return s.Health?.Status === "healthy" ? true : undefined;
        });
        timings.startToHealthyMs = Date.now() - started;
    });

    it("runs redis as uid 999 and uploads with the declared owner and mode", async () => {
        const c = docker.getContainer(containerId);
        const top = (await c.top({ ps_args: "-o pid,uid,comm" })) as { Processes: string[][] };
        const procs = top.Processes.map((p) => [p[1], p[2]]);
        assert.deepEqual(procs, [["999", "redis-server"]]);
        const archive = (await c.getArchive({ path: "/usr/local/etc/redis/redis.conf" })) as NodeJS.ReadableStream;
        const chunks: Buffer[] = [];
        for await (const chunk of archive) chunks.push(chunk as Buffer);
        assert.deepEqual(tarHeader(Buffer.concat(chunks)), { uid: 999, mode: 0o640 });
    });

    it("throws, naming it, for an input property it does not know", async () => {
        const docker_ = await import("@pulumi/docker");
        // Through the SDK: a property pulumi-docker sends but this backend can't honour fails the registration.
        const unsupported = new docker_.Container("harness-unsupported", {
            image: IMAGE_TAG,
            name: "rr-harness-unsupported",
            cgroupParent: "/harness",
        });
        await assert.rejects(promiseOf(unsupported.id), /harness-unsupported.*cgroupParent.*not supported/s);
        // Properties the SDK would not even send (a typo, a newer provider's field), top-level and nested.
        const attempt = (inputs: Record<string, unknown>, type = "docker:index/container:Container"): Promise<unknown> =>
            Promise.resolve(backend!.mocks.newResource({ type, name: "harness-direct", inputs, custom: true }));
        await assert.rejects(attempt({ image: IMAGE_TAG, pidsLimit: 10 }), /"harness-direct".*input pidsLimit is not supported/);
        await assert.rejects(
            attempt({ image: IMAGE_TAG, networksAdvanced: [{ name: networkName, macAddress: "02:42:ac:11:00:02" }] }),
            /input networksAdvanced\[0\]\.macAddress is not supported/,
        );
        await assert.rejects(attempt({}, "docker:index/service:Service"), /docker:index\/service:Service.*not supported/);
        const names = (await docker.listContainers({ all: true })).flatMap((c) => c.Names);
        assert.deepEqual(
            names.filter((n) => n.startsWith("/rr-harness-") && n !== `/${containerName}`),
            [],
            "a rejected resource must not leave a container",
        );
    });
});

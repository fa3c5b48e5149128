// Sentinel on the real engine: the program's resources created through the live backend behind
// Pulumi's mocks. A 1+2 group with 3 sentinels deploys and its check passes; the master's container
// is stopped under a writer using the sentinelClient recipe, Sentinel promotes a replica, no
// acknowledged write is lost, the old master rejoins as a replica, and the check, run again as the
// engine runs it, passes against the new topology. A second group shows min-replicas-to-write:
// a master cut off from its replicas refuses writes.
// Subnets 10.231.201.0/24 and 10.231.202.0/24; host ports 6201-6213 and 26201-26213.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import Redis from "ioredis";
import type * as Components from "../../components";
import type { ReplicationCheckOutputs } from "../../components/replicationCheck";
import { containerLog, dockerClient, DYNAMIC_PREFIX, REPO_ROOT } from "../../harness/docker";
import { failOverOnce, FailoverSample, waitForAofRewrite } from "../../harness/failover";
import { ensureBaseImage } from "../../harness/image";
import { clearStale, createAsEngine, createLiveBackend, LiveBackend, requireDocker, teardownAndVerify } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { promiseOf, unwrapSecrets } from "../../harness/pulumi";
import { withClient } from "../../harness/redisClient";

// Fixed, so a crashed run's leftovers are found and cleared by the next one.
const TEST_VALUE = "sentinel";
const PASSWORD = "sentinel-docker-Passw0rd";
const GROUP_A = "rr-sent-a";
const GROUP_C = "rr-sent-c";

/** A fresh client on 127.0.0.1:port for one call; Sentinel's reconfigurations kill client connections. */
function withNode<T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
    return withClient(port, PASSWORD, fn, { commandTimeout: 5000 });
}

/** A file's text from a container (the first entry of the tar Docker sends). */
async function readContainerFile(container: string, file: string): Promise<string> {
    const stream = await dockerClient().getContainer(container).getArchive({ path: file });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const tar = Buffer.concat(chunks);
    const size = parseInt(tar.subarray(124, 136).toString("ascii").replace(/\0.*$/, "").trim(), 8);
    return tar.subarray(512, 512 + size).toString("utf8");
}

/** The container's log lines matching re. */
async function logLines(container: string, re: RegExp): Promise<string[]> {
    const lines = (await containerLog(container)).split("\n");
    return lines.filter((l) => re.test(l)).map((l) => l.trim());
}

describe("docker tier: Sentinel failover", function () {
    this.timeout(300_000);
    let backend: LiveBackend | undefined;
    let components: typeof Components;
    let baseImage = "";
    /** The check's inputs as the program sent them (password and __provider included), and its outputs, by resource name. */
    const checkInputs = new Map<string, Record<string, unknown>>();
    const checkOutputs = new Map<string, Record<string, unknown>>();
    let groupA: Components.RedisReplicationGroup | undefined;
    const times: Record<string, number> = {};
    let failover: FailoverSample | undefined;

    before(async function () {
        await requireDocker(this);
        await clearStale(TEST_VALUE);
        baseImage = await ensureBaseImage();
        const live = createLiveBackend({ testLabel: TEST_VALUE, cwd: REPO_ROOT });
        backend = live;
        const mocks: pulumi.runtime.Mocks = {
            call: (args) => live.mocks.call(args),
            async newResource(args) {
                if (args.type.startsWith(DYNAMIC_PREFIX)) checkInputs.set(args.name, unwrapSecrets(args.inputs) as Record<string, unknown>);
                const result = await live.mocks.newResource(args);
                if (args.type.startsWith(DYNAMIC_PREFIX)) checkOutputs.set(args.name, result.state as Record<string, unknown>);
                return result;
            },
        };
        await pulumi.runtime.setMocks(mocks, "redis-replication", "sentinel");
        components = await import("../../components");
    });

    after(async function () {
        if (backend === undefined) return;
        console.log(`    timings: ${JSON.stringify(times)}`);
        await teardownAndVerify(
            backend,
            TEST_VALUE,
            [GROUP_A, GROUP_C].map((name) => `redis-replication/${name}:latest`),
        );
    });

    it("deploys a 1+2 group with 3 sentinels, and the check passes once every sentinel agrees", async () => {
        const started = Date.now();
        groupA = new components.RedisReplicationGroup("senta", {
            name: GROUP_A,
            network: { subnet: "10.231.201.0/24" },
            master: { hostPort: 6201 },
            replicaCount: 2,
            image: { baseImage },
            // A crash failover within seconds: the test stops the master.
            sentinel: { downAfterMilliseconds: 1000 },
            password: PASSWORD,
        });
        const replication = await promiseOf(groupA.replication);
        times.deployMs = Date.now() - started;
        times.checkMs = replication.durationMs;
        assert.deepEqual(
            replication.replicas.map((r) => [r.name, r.linkStatus]),
            [
                [`${GROUP_A}-replica-1`, "up"],
                [`${GROUP_A}-replica-2`, "up"],
            ],
        );
        const outs = checkOutputs.get("senta-check") as unknown as ReplicationCheckOutputs;
        assert.equal(outs.currentMaster, `${GROUP_A}-master`);
        assert.deepEqual(
            outs.sentinelStatus?.map((s) => [s.name, s.master, s.numSlaves, s.numOtherSentinels, s.quorum]),
            [1, 2, 3].map((i) => [`${GROUP_A}-sentinel-${i}`, "10.231.201.2:6379", 2, 2, 2]),
        );
        assert.deepEqual(await promiseOf(groupA.sentinelEndpoints), ["127.0.0.1:26201", "127.0.0.1:26202", "127.0.0.1:26203"]);
        // CKQUORUM straight from a sentinel, as an operator would ask.
        const ck = await withNode(26201, (c) => c.call("SENTINEL", "CKQUORUM", GROUP_A));
        assert.match(String(ck), /^OK 3 usable Sentinels/);
    });

    it("fails over when the master's container stops: a replica takes over, writes resume, none acknowledged is lost, the old master rejoins", async () => {
        assert.ok(groupA, "the group was not deployed");
        const recipe = await promiseOf(groupA.sentinelClient);
        assert.ok(recipe);
        const replicaNames = await promiseOf(groupA.replicaContainerNames);
        const containers = [await promiseOf(groupA.masterContainerName), ...replicaNames];
        failover = await failOverOnce({ recipe, password: PASSWORD, containers, log: (line) => console.log(`      ${line}`) });
        Object.assign(times, {
            failoverMs: failover.totalMs,
            newMasterMs: failover.newMasterMs,
            firstWriteMs: failover.firstWriteMs,
            firstAckMs: failover.firstAckMs,
            stopMs: failover.stopMs,
            newMasterAfterExitMs: failover.newMasterAfterExitMs,
            rejoinMs: failover.rejoinMs,
        });
        console.log(`      writer errors during the failover: ${JSON.stringify(failover.errors)}`);
        console.log(`      new master after ${failover.newMasterMs} ms (down-after 1000 ms)`);
        assert.equal(failover.from, `${GROUP_A}-master`);
        assert.ok(
            replicaNames.includes(failover.to),
            `the new master ${failover.to} is not one of the replicas ${replicaNames.join(", ")}`,
        );
        assert.ok(failover.acked >= 30, `only ${failover.acked} acknowledged writes`);
        assert.ok(failover.ackedAfterStop >= 10, `only ${failover.ackedAfterStop} writes acknowledged under the new master`);
        assert.equal(failover.lost, 0, `${failover.lost} acknowledged writes lost`);

        // Sentinel's reconfiguration ends with CONFIG REWRITE: the promoted node's redis.conf
        // (in a directory the image gives the redis user) no longer follows anyone, so the new
        // role survives a restart of its container.
        const promotedConf = await readContainerFile(failover.to, "/usr/local/etc/redis/redis.conf");
        assert.doesNotMatch(promotedConf, /^replicaof /m, `${failover.to}'s redis.conf still has a replicaof line`);
        for (const name of containers) {
            assert.deepEqual(await logLines(name, /CONFIG REWRITE failed/), [], `${name} could not rewrite its config`);
        }
        // Show what the nodes logged.
        for (const name of containers) {
            const lines = await logLines(
                name,
                /rewrit|CONFIG|MASTER MODE|REPLICAOF|Connecting to MASTER|shutdown|Waiting for replicas|Lagging/i,
            );
            console.log(`      ${name}: ${lines.slice(-8).join(" | ") || "(nothing about the reconfiguration)"}`);
        }
        const sentinelEvents = await logLines(
            `${GROUP_A}-sentinel-1`,
            /switch-master|promoted-slave|failover-end|convert-to-slave|odown|config-update/,
        );
        console.log(`      ${GROUP_A}-sentinel-1: ${sentinelEvents.map((l) => l.replace(/^\d+:X [^#+-]*/, "")).join(" | ")}`);
    });

    it("passes the check again, run as the engine runs it, against the new topology", async () => {
        assert.ok(failover, "no failover happened");
        const raw = checkInputs.get("senta-check");
        assert.ok(raw, "no check inputs recorded");
        const started = Date.now();
        const { provider, state } = await createAsEngine(raw, "the check after the failover");
        times.checkAfterFailoverMs = Date.now() - started;
        const { __provider: _, ...rest } = state;
        const outs = rest as unknown as ReplicationCheckOutputs;
        // The master is whatever the sentinels report now: normally the one promoted by the failover
        // (with down-after 1 s, a second failover could have followed it).
        const byIp: Record<string, string> = {
            "10.231.201.2": `${GROUP_A}-master`,
            "10.231.201.3": `${GROUP_A}-replica-1`,
            "10.231.201.4": `${GROUP_A}-replica-2`,
        };
        const reported = (await withNode(26201, (c) => c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", GROUP_A))) as string[];
        const current = byIp[reported[0]!];
        if (current !== failover.to)
            console.log(`      the sentinels now report ${current}, not ${failover.to}: a second failover followed`);
        assert.equal(outs.currentMaster, current);
        assert.deepEqual(
            outs.replicaStatus.map((r) => r.name).sort(),
            Object.values(byIp)
                .filter((n) => n !== current)
                .sort(),
        );
        assert.ok(outs.replicaStatus.every((r) => r.linkStatus === "up"));
        assert.ok(outs.sentinelStatus?.every((s) => s.master === `${reported[0]}:6379` && s.numSlaves === 2 && s.numOtherSentinels === 2));
        // The inputs did not change, so `pulumi up` would not even re-run it: diff says so.
        assert.equal((await provider.diff!("id", outs, raw)).changes, false);
    });

    it("with minReplicasToWrite 1, a master cut off from its replicas refuses writes (NOREPLICAS)", async () => {
        const groupC = new components.RedisReplicationGroup("sentc", {
            name: GROUP_C,
            network: { subnet: "10.231.202.0/24" },
            master: { hostPort: 6211 },
            replicaCount: 2,
            image: { baseImage },
            replication: { minReplicasToWrite: 1, minReplicasMaxLag: 1 },
            password: PASSWORD,
        });
        await promiseOf(groupC.replication);
        assert.equal(await withNode(6211, (c) => c.set("before", "1")), "OK");
        const replicas = await promiseOf(groupC.replicaContainerNames);
        // Redis 7.0 ignores SIGTERM while a replica writes its initial AOF after the sync ("Writing
        // initial AOF, can't exit"): docker stop would then wait 10 s and kill it. Let them settle.
        for (const port of [6212, 6213]) await waitForAofRewrite({ port }, PASSWORD, `the replica on ${port}`, 30_000);
        const stopAt = Date.now();
        const stopped = Promise.all(
            replicas.map(async (n) => {
                await dockerClient().getContainer(n).stop({ t: 10 });
                return Date.now() - stopAt;
            }),
        );
        stopped.catch(() => undefined);
        const refusal = await pollUntil(
            "a write on the master to be refused",
            20_000,
            async () => {
                try {
                    await withNode(6211, (c) => c.set("cut-off", "1"));
                    return undefined;
                } catch (err) {
                    return (err as Error).message;
                }
            },
            50,
        );
        times.noReplicasAfterMs = Date.now() - stopAt;
        const stopMs = await stopped;
        times.replicaStopMs = Math.max(...stopMs);
        for (const n of replicas) {
            // A replica that put off its exit on SIGTERM made docker stop wait: show why.
            if ((await logLines(n, /can't exit/)).length > 0) console.log(`      ${n}: ${(await logLines(n, /./)).slice(-8).join(" | ")}`);
        }
        assert.match(refusal, /^NOREPLICAS Not enough good replicas to write/);
        // Replicas back: writes are accepted again.
        await Promise.all(replicas.map((n) => dockerClient().getContainer(n).start()));
        await pollUntil(
            "writes to be accepted again",
            30_000,
            async () => ((await withNode(6211, (c) => c.set("back", "1"))) === "OK" ? true : undefined),
            100,
        );
    });
});

// Scenarios on the real engine: the program's RedisReplicationGroup goes through Pulumi's mocks
// into real Docker objects (harness/liveDocker), and we check what Docker and Redis say. Each scenario has its own backend, test label, subnet and host ports, talks to
// Redis only on 127.0.0.1, and ends with a teardown test that finds nothing left behind.
// Needs a Docker engine: in CI (CI=true) its absence fails the tier; elsewhere it skips.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { hashedPassword } from "../../components/acl";
import { containerLog, dockerClient, dockerUnavailableReason, TEST_LABEL } from "../../harness/docker";
import { ensureBaseImage, removeTestImages } from "../../harness/image";
import { assertNothingLeft, listLeftovers, requireDocker } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import { withClient } from "../../harness/redisClient";
import { abandonScenario, finishScenario, inspect, rerunCheck, Scenario, scenarioTimes, startScenario } from "../support/scenario";
import { PROJECT, readStackConfig } from "../support/stackConfig";
import type { RedisReplicationGroup, ReplicationStatus } from "../../components";

const CONTAINER = "docker:index/container:Container";

async function components(): Promise<typeof import("../../components")> {
    return import("../../components");
}

/** Container names and link states as the group's `replication` output reports them. */
function links(r: ReplicationStatus): string[][] {
    return r.replicas.map((x) => [x.name, x.linkStatus]);
}

/** The image's processes in a container as [uid, command]. */
async function processes(name: string): Promise<string[][]> {
    const top = (await dockerClient().getContainer(name).top({ ps_args: "-o pid,uid,comm" })) as { Processes: string[][] };
    return top.Processes.map((p) => [p[1]!, p[2]!]);
}

// The value of TEST_LABEL on each scenario's objects, for clearing their images.
const SCENARIO_LABEL_VALUES = ["scn-dev", "scn-hostpath", "scn-fault", "scn-aof", "scn-broken"];

// The closing note needs the count and each scenario's wall time; the images go last.
after(async function () {
    if (scenarioTimes.length > 0) {
        console.log(`\n    docker scenarios: ${scenarioTimes.length}`);
        for (const t of scenarioTimes) console.log(`      ${t.name}: ${(t.ms / 1000).toFixed(1)} s`);
    }
    if ((await dockerUnavailableReason()) !== undefined) return;
    const docker = dockerClient();
    const others = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [TEST_LABEL] }) });
    if (others.length === 0) {
        await removeTestImages();
        return;
    }
    // Another run shares this engine (its containers carry the tier's label): removing every
    // tier image would pull the base from under it. Remove only the scenarios' own images.
    console.log(`    kept the shared test images: ${others.length} labelled container(s) of another run exist`);
    for (const value of SCENARIO_LABEL_VALUES) await removeTestImages(value);
});

describe("scenario 1: the dev stack: one master, two replicas from index.ts and Pulumi.dev.yaml", function () {
    const LABEL = "scn-dev";
    const PASSWORD = "dev-Scenario-Passw0rd";
    const NODES = [
        { name: "redis-dev-master", ip: "10.89.0.2", port: 6380 },
        { name: "redis-dev-replica-1", ip: "10.89.0.3", port: 6381 },
        { name: "redis-dev-replica-2", ip: "10.89.0.4", port: 6382 },
    ];
    let s: Scenario | undefined;
    let program: typeof import("../../index");
    let replication: ReplicationStatus;

    before(async function () {
        await requireDocker(this);
        const base = await ensureBaseImage();
        s = await startScenario("1 dev stack (index.ts, Pulumi.dev.yaml)", { testLabel: LABEL, stack: "dev" });
        const config = readStackConfig("dev");
        const group = JSON.parse(config[`${PROJECT}:group`]!) as Record<string, unknown>;
        // The one change to the dev stack's values: image.baseImage. Its default, redis:7.2.5-alpine,
        // needs a registry, and there is none here; docker/Dockerfile builds on the test base instead.
        group.image = { ...((group.image as object | undefined) ?? {}), baseImage: base };
        pulumi.runtime.setAllConfig({ ...config, [`${PROJECT}:group`]: JSON.stringify(group), [`${PROJECT}:password`]: PASSWORD }, [
            `${PROJECT}:password`,
        ]);
        program = await import("../../index");
        replication = await promiseOf(program.replication);
    });
    after(() => abandonScenario(s, LABEL));

    it("passes the check: the exported replication shows both replicas up", async () => {
        assert.deepEqual(links(replication), [
            ["redis-dev-replica-1", "up"],
            ["redis-dev-replica-2", "up"],
        ]);
        assert.match(replication.masterReplId, /^[0-9a-f]{40}$/);
        assert.equal(await promiseOf(program.masterEndpoint), "127.0.0.1:6380");
        assert.deepEqual(await promiseOf(program.replicaEndpoints), ["127.0.0.1:6381", "127.0.0.1:6382"]);
    });

    it("reads a SET on the master back on both replicas, through 127.0.0.1", async () => {
        const value = `v-${Date.now()}`;
        await withClient(6380, PASSWORD, async (m) => {
            await m.set("scenario:greeting", value);
            assert.ok(Number(await m.call("WAIT", "2", "5000")) >= 2, "WAIT 2 not acknowledged");
        });
        for (const port of [6381, 6382]) {
            assert.equal(await withClient(port, PASSWORD, (r) => r.get("scenario:greeting")), value, `replica on ${port}`);
        }
    });

    it("answers READONLY to a write on a replica", async () => {
        for (const port of [6381, 6382]) {
            await withClient(port, PASSWORD, (r) => assert.rejects(r.set("scenario:on-replica", "x"), /^ReplyError: READONLY|READONLY/));
        }
    });

    it("gives each container its static IP, only on the group's network, its port on 127.0.0.1, and ARP retries every 100 ms", async () => {
        const net = await dockerClient().getNetwork("redis-dev-net").inspect();
        assert.deepEqual(
            net.IPAM?.Config?.map((c: { Subnet?: string; Gateway?: string }) => [c.Subnet, c.Gateway]),
            [["10.89.0.0/24", "10.89.0.1"]],
        );
        for (const n of NODES) {
            const info = await inspect(n.name);
            assert.deepEqual(Object.keys(info.NetworkSettings.Networks), ["redis-dev-net"], n.name);
            assert.equal(info.NetworkSettings.Networks["redis-dev-net"]?.IPAddress, n.ip, n.name);
            assert.deepEqual(info.NetworkSettings.Ports["6379/tcp"], [{ HostIp: "127.0.0.1", HostPort: String(n.port) }], n.name);
            assert.equal(info.HostConfig.RestartPolicy?.Name, "unless-stopped", n.name);
            // runc writes it before the node starts, and fails the start if it can't.
            assert.deepEqual(
                info.HostConfig.Sysctls,
                { "net.ipv4.neigh.eth0.retrans_time_ms": "100", "net.ipv4.neigh.eth0.ucast_solicit": "30" },
                n.name,
            );
            assert.equal(info.State.Running, true, n.name);
        }
    });

    it("keeps the password out of every container's command, entrypoint, environment, labels and healthcheck", async () => {
        for (const n of NODES) {
            const info = await inspect(n.name);
            const visible = { Path: info.Path, Args: info.Args, ...info.Config };
            for (const key of ["Path", "Args", "Cmd", "Entrypoint", "Env", "Labels", "Healthcheck"] as const) {
                const text = JSON.stringify((visible as Record<string, unknown>)[key] ?? null);
                assert.ok(!text.includes(PASSWORD), `${n.name}: ${key} contains the password: ${text}`);
            }
            // A control: the password is there to be found, in the uploaded redis.conf only, and
            // there only as the default user's hash.
            const archive = (await dockerClient()
                .getContainer(n.name)
                .getArchive({ path: "/usr/local/etc/redis/redis.conf" })) as NodeJS.ReadableStream;
            const chunks: Buffer[] = [];
            for await (const chunk of archive) chunks.push(chunk as Buffer);
            const conf = Buffer.concat(chunks);
            assert.ok(
                conf.includes(`user default on ${hashedPassword(PASSWORD)} `),
                `${n.name}: redis.conf has no default user with the hash`,
            );
            assert.ok(!conf.includes(PASSWORD), `${n.name}: redis.conf has the password in plain text`);
        }
    });

    it("runs every node as the non-root redis user (uid 999)", async () => {
        for (const n of NODES) {
            assert.equal((await inspect(n.name)).Config.User, "redis", n.name);
            // The healthcheck's redis-cli, run by Docker every second, may be caught beside the server.
            const ps = await processes(n.name);
            assert.deepEqual(
                ps.filter(([, comm]) => comm === "redis-server"),
                [["999", "redis-server"]],
                n.name,
            );
            assert.deepEqual(
                ps.filter(([uid]) => uid !== "999"),
                [],
                `${n.name}: every process as uid 999`,
            );
        }
    });

    it("tears down leaving no container, network or volume", async () => {
        await finishScenario(s, LABEL);
        await assertNothingLeft(LABEL);
    });
});

describe("scenario 2: one master, one replica on a custom subnet on host-path bind mounts", function () {
    const LABEL = "scn-hostpath";
    const NAME = "rr-scn-hostpath";
    const PASSWORD = "hostpath-Passw0rd";
    const MASTER = { ip: "10.231.2.20", hostPort: 16320 };
    const REPLICA = { ip: "10.231.2.21", hostPort: 16321 };
    let s: Scenario | undefined;
    let hostDir = "";
    let replication: ReplicationStatus;
    let admin = "";

    before(async function () {
        await requireDocker(this);
        const base = await ensureBaseImage();
        hostDir = fs.mkdtempSync("/tmp/rr-scn-hostpath-");
        s = await startScenario("2 one master, one replica (host paths)", { testLabel: LABEL, stack: "hostpath" });
        const { RedisReplicationGroup } = await components();
        const g: RedisReplicationGroup = new RedisReplicationGroup(NAME, {
            network: { subnet: "10.231.2.0/24", gateway: "10.231.2.1" },
            master: MASTER,
            replicas: [REPLICA],
            persistence: { volume: "hostPath", hostPath: hostDir },
            password: pulumi.secret(PASSWORD),
            image: { baseImage: base },
        });
        replication = await promiseOf(g.replication);
        admin = await promiseOf(g.adminPassword);
    });
    after(async () => {
        try {
            await abandonScenario(s, LABEL);
        } finally {
            if (hostDir !== "") fs.rmSync(hostDir, { recursive: true, force: true });
        }
    });

    it("passes the check", () => {
        assert.deepEqual(links(replication), [[`${NAME}-replica-1`, "up"]]);
    });

    it("prepares <hostPath>/<node>/{data,conf} owned by uid 999 through the group's local.Command", () => {
        assert.deepEqual(
            s!.backend.created.filter((c) => c.type === "command:local:Command").map((c) => c.name),
            [`${NAME}-host-dirs`],
        );
        assert.deepEqual(
            s!.backend.created.filter((c) => c.type === "docker:index/volume:Volume"),
            [],
            "host paths need no volumes",
        );
        for (const node of ["master", "replica-1"]) {
            for (const sub of ["data", "conf"]) {
                const st = fs.statSync(path.join(hostDir, node, sub));
                assert.ok(st.isDirectory(), `${node}/${sub}`);
                assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [999, 999, 0o750], `${node}/${sub} owner and mode`);
            }
        }
    });

    it("bind-mounts them as /data and the config directory", async () => {
        for (const node of ["master", "replica-1"]) {
            const mounts = (await inspect(`${NAME}-${node}`)).Mounts.map((m) => [m.Type, m.Source, m.Destination]);
            assert.deepEqual(
                mounts.sort(),
                [
                    ["bind", path.join(hostDir, node, "conf"), "/usr/local/etc/redis"],
                    ["bind", path.join(hostDir, node, "data"), "/data"],
                ],
                node,
            );
        }
    });

    it("lands the rendered redis.conf in <hostPath>/<node>/conf", () => {
        const master = fs.readFileSync(path.join(hostDir, "master", "conf", "redis.conf"), "utf8");
        const replica = fs.readFileSync(path.join(hostDir, "replica-1", "conf", "redis.conf"), "utf8");
        assert.match(master, /^user default on #[0-9a-f]{64} /m);
        assert.doesNotMatch(master, /^replicaof /m);
        assert.match(replica, new RegExp(`^replicaof ${MASTER.ip.replace(/\./g, "\\.")} 6379$`, "m"));
    });

    it("lands the data in <hostPath>/<node>/data: the AOF on both nodes after a write, and dump.rdb after SAVE", async () => {
        const key = `scenario:hostpath:${Date.now()}`;
        await withClient(MASTER.hostPort, PASSWORD, async (m) => {
            await m.set(key, "on-the-host");
            assert.ok(Number(await m.call("WAIT", "1", "5000")) >= 1, "WAIT 1 not acknowledged");
        });
        for (const node of ["master", "replica-1"]) {
            const aofDir = path.join(hostDir, node, "data", "appendonlydir");
            // appendfsync everysec: the write reaches the file at once, the fsync within a second.
            await pollUntil(`${key} in ${node}'s AOF`, 10_000, async () =>
                fs.existsSync(aofDir) && fs.readdirSync(aofDir).some((f) => fs.readFileSync(path.join(aofDir, f)).includes(key))
                    ? true
                    : undefined,
            );
            assert.equal(fs.statSync(aofDir).uid, 999, `${node}: appendonlydir owner`);
        }
        // SAVE is an admin command: the application user may not.
        await withClient(MASTER.hostPort, PASSWORD, (m) => assert.rejects(m.call("SAVE"), /NOPERM/));
        await withClient(MASTER.hostPort, admin, (m) => m.call("SAVE"), { username: "admin" });
        const dump = fs.statSync(path.join(hostDir, "master", "data", "dump.rdb"));
        assert.equal(dump.uid, 999, "dump.rdb owner");
    });

    it("tears down leaving no container, network or volume, and keeps the host directories", async () => {
        await finishScenario(s, LABEL);
        await assertNothingLeft(LABEL);
        // As documented: host-path data is the user's and survives destroy. The test removes it (after hook).
        assert.ok(fs.existsSync(path.join(hostDir, "master", "data", "dump.rdb")));
    });
});

describe("scenario 3: replica fault: a replica crashes, comes back, and catches up", function () {
    const LABEL = "scn-fault";
    const NAME = "rr-scn-fault";
    const PASSWORD = "fault-Passw0rd";
    const MASTER_PORT = 16330;
    const VICTIM = { name: `${NAME}-replica-1`, port: 16331 };
    const KEYS = 10_000;
    const keyOf = (i: number): string => `scenario:fault:${i}`;
    const valueOf = (i: number): string => `value-${i}-${(i * 7919) % 10007}`;
    let s: Scenario | undefined;

    before(async function () {
        await requireDocker(this);
        const base = await ensureBaseImage();
        s = await startScenario("3 replica fault", { testLabel: LABEL, stack: "fault" });
        const { RedisReplicationGroup } = await components();
        const g: RedisReplicationGroup = new RedisReplicationGroup(NAME, {
            network: { subnet: "10.231.3.0/24" },
            master: { hostPort: MASTER_PORT },
            replicaCount: 2,
            password: pulumi.secret(PASSWORD),
            image: { baseImage: base },
        });
        assert.deepEqual(links(await promiseOf(g.replication)), [
            [`${NAME}-replica-1`, "up"],
            [`${NAME}-replica-2`, "up"],
        ]);
    });
    after(() => abandonScenario(s, LABEL));

    it(`writes ${KEYS} keys to the master in one pipeline, acknowledged by both replicas`, async () => {
        await withClient(MASTER_PORT, PASSWORD, async (m) => {
            const p = m.pipeline();
            for (let i = 0; i < KEYS; i++) p.set(keyOf(i), valueOf(i));
            const results = (await p.exec()) ?? [];
            assert.equal(results.filter(([err]) => err !== null).length, 0, "a SET in the pipeline failed");
            assert.ok(Number(await m.call("WAIT", "2", "10000")) >= 2, "WAIT 2 not acknowledged");
            assert.equal(await m.dbsize(), KEYS);
        });
    });

    it("brings the crashed replica back through its restart policy", async () => {
        // `docker kill` is a manual stop for Docker 20.10 (verified here: the container stays
        // exited, restart policy or not). A crash is what the policy is for, so this is one:
        // SIGKILL to the container's redis-server, sent from the host by its PID.
        const before = await inspect(VICTIM.name);
        assert.ok(before.State.Running && before.State.Pid > 0, "victim not running");
        process.kill(before.State.Pid, "SIGKILL");
        const after = await pollUntil(`${VICTIM.name} restarted by its policy`, 30_000, async () => {
            const i = await inspect(VICTIM.name);
            return i.State.Running && i.RestartCount > before.RestartCount && i.State.Pid !== before.State.Pid ? i : undefined;
        });
        assert.equal(after.Id, before.Id, "same container, restarted in place");
        assert.equal(after.HostConfig.RestartPolicy?.Name, "unless-stopped");
    });

    it("passes the check again", async () => {
        // A restarted container keeps its id, so `pulumi up` would not re-run the check (its diff
        // looks at container ids). We run it as the engine does on create: the provider loaded
        // from the serialized __provider the program sent, check() then create() with the same
        // inputs as the group's check. It waits for the link like the first time.
        const outs = await rerunCheck(s!, `${NAME}-check`);
        const status = outs.replicaStatus as { name: string; linkStatus: string }[];
        assert.deepEqual(
            status.map((r) => [r.name, r.linkStatus]),
            [
                [`${NAME}-replica-1`, "up"],
                [`${NAME}-replica-2`, "up"],
            ],
        );
        assert.equal(outs.password, undefined, "the check's outputs must not carry the password");
    });

    it(`finds all ${KEYS} keys on the restarted replica`, async () => {
        await withClient(VICTIM.port, PASSWORD, async (r) => {
            await pollUntil(`${KEYS} keys on ${VICTIM.name}`, 10_000, async () => ((await r.dbsize()) === KEYS ? true : undefined));
            const sample = Array.from({ length: 100 }, (_, j) => j * 100 + (j % 100));
            assert.deepEqual(await r.mget(...sample.map(keyOf)), sample.map(valueOf));
            assert.deepEqual(await r.mget(keyOf(0), keyOf(KEYS - 1)), [valueOf(0), valueOf(KEYS - 1)]);
        });
    });

    it("tears down leaving no container, network or volume", async () => {
        await finishScenario(s, LABEL);
        await assertNothingLeft(LABEL);
    });
});

describe("scenario 4: master restart with AOF loses no acknowledged write; retained volumes survive teardown", function () {
    const LABEL = "scn-aof";
    const NAME = "rr-scn-aof";
    const PASSWORD = "aof-Restart-Passw0rd";
    const PORTS = [16340, 16341, 16342];
    const KEYS = 300;
    const VOLUMES = ["master", "replica-1", "replica-2"].map((n) => `${NAME}-${n}-data`);
    const keys = Array.from({ length: KEYS }, (_, i) => `scenario:aof:${i}`);
    const values = keys.map((_, i) => `acked-${i}`);
    let s: Scenario | undefined;

    before(async function () {
        await requireDocker(this);
        const base = await ensureBaseImage();
        s = await startScenario("4 master restart (AOF) + retained volumes", { testLabel: LABEL, stack: "aof" });
        const { RedisReplicationGroup } = await components();
        const g: RedisReplicationGroup = new RedisReplicationGroup(NAME, {
            network: { subnet: "10.231.4.0/24" },
            master: { hostPort: PORTS[0] },
            replicaCount: 2,
            persistence: { appendonly: true, retain: true },
            password: pulumi.secret(PASSWORD),
            image: { baseImage: base },
        });
        assert.equal(links(await promiseOf(g.replication)).length, 2);
    });
    after(() => abandonScenario(s, LABEL));

    it(`writes ${KEYS} keys, each acknowledged by WAIT 1`, async () => {
        await withClient(PORTS[0]!, PASSWORD, async (m) => {
            for (let i = 0; i < KEYS; i++) {
                await m.set(keys[i]!, values[i]!);
                const acked = Number(await m.call("WAIT", "1", "2000"));
                assert.ok(acked >= 1, `${keys[i]}: WAIT 1 returned ${acked}`);
            }
        });
    });

    it("restarts the master (docker restart) and the check passes again", async () => {
        const c = dockerClient().getContainer(`${NAME}-master`);
        const before = await c.inspect();
        await c.restart({ t: 10 });
        const after = await pollUntil("master running again", 30_000, async () => {
            const i = await c.inspect();
            return i.State.Running && i.State.StartedAt !== before.State.StartedAt ? i : undefined;
        });
        assert.equal(after.Id, before.Id);
        // As in scenario 3: the same check, from the serialized provider, with the group's inputs.
        // It passes only once both replicas are linked to the restarted master again.
        const outs = await rerunCheck(s!, `${NAME}-check`);
        assert.deepEqual(
            (outs.replicaStatus as { linkStatus: string }[]).map((r) => r.linkStatus),
            ["up", "up"],
        );
    });

    it("holds every acknowledged key on the master and on every replica", async () => {
        for (const port of PORTS) {
            await withClient(port, PASSWORD, async (r) => {
                assert.deepEqual(await r.mget(...keys), values, `node on ${port}`);
                assert.equal(await r.dbsize(), KEYS, `node on ${port}`);
            });
        }
    });

    it("tears down leaving only the retained volumes, which the test then removes", async () => {
        assert.deepEqual(
            [...s!.retainOnDelete]
                .filter(([, keep]) => keep)
                .map(([name]) => name)
                .sort(),
            VOLUMES.slice().sort(),
            "retainOnDelete as the component set it",
        );
        await finishScenario(s, LABEL, VOLUMES);
        assert.deepEqual(s!.backend.retained.map((r) => r.id).sort(), VOLUMES.slice().sort());
        assert.deepEqual((await listLeftovers(LABEL)).sort(), VOLUMES.map((v) => `volume ${v}`).sort());
        for (const v of VOLUMES) {
            const info = await dockerClient().getVolume(v).inspect();
            assert.equal(info.Labels?.["redis-replication.group"], NAME, v);
            await dockerClient().getVolume(v).remove();
        }
        await assertNothingLeft(LABEL);
    });
});

describe("scenario 5: broken deploy: a replica with the wrong masterauth fails `pulumi up` with the check's message", function () {
    const LABEL = "scn-broken";
    const NAME = "rr-scn-broken";
    const PASSWORD = "broken-Passw0rd";
    const MASTER_IP = "10.231.5.2";
    const BROKEN = { name: `${NAME}-replica-2`, port: 16352 };
    let s: Scenario | undefined;
    let outcome: { value?: ReplicationStatus; error?: Error };

    before(async function () {
        await requireDocker(this);
        const base = await ensureBaseImage();
        // Every replica logs in to its master as the replication user, with the group's generated
        // password, so a replica with another one can't be declared. It happens when a node drifts:
        // here, as soon as replica-2's container runs and before the check starts, its masterauth is
        // changed through Redis itself (as admin, whose password the test takes from the group's
        // RandomPassword as the backend makes it) and its link re-made (REPLICAOF NO ONE, then the
        // same master again), exactly as a replica started with a wrong masterauth line would behave.
        // The deployment then runs on: the check sees the link down and must fail `pulumi up`.
        let admin = "";
        s = await startScenario("5 broken deploy", {
            testLabel: LABEL,
            stack: "broken",
            afterCreate: async (args, result) => {
                if (args.name === `${NAME}-admin-password`) admin = String(result.state.result);
                if (args.type !== CONTAINER || args.inputs.name !== BROKEN.name) return;
                await pollUntil(`${BROKEN.name} answering`, 20_000, () =>
                    withClient(
                        BROKEN.port,
                        admin,
                        async (r) => {
                            await r.call("CONFIG", "SET", "masterauth", "not-the-Passw0rd");
                            await r.call("REPLICAOF", "NO", "ONE");
                            await r.call("REPLICAOF", MASTER_IP, "6379");
                            return true;
                        },
                        { username: "admin" },
                    ),
                );
            },
        });
        const { RedisReplicationGroup } = await components();
        const g: RedisReplicationGroup = new RedisReplicationGroup(NAME, {
            network: { subnet: "10.231.5.0/24" },
            master: { hostPort: 16350 },
            replicaCount: 2,
            password: pulumi.secret(PASSWORD),
            image: { baseImage: base },
            checkTimeoutSeconds: 4,
        });
        outcome = await promiseOf(g.replication).then(
            (value) => ({ value }),
            (error: Error) => ({ error }),
        );
    });
    after(() => abandonScenario(s, LABEL));

    it("rejects the deployment with the check's message naming the replica and its link down", () => {
        assert.ok(outcome.error, `the deployment succeeded: ${JSON.stringify(outcome.value)}`);
        const msg = outcome.error.message;
        assert.match(
            msg,
            new RegExp(
                `replica ${BROKEN.name} \\(127\\.0\\.0\\.1:${BROKEN.port}\\): master_link_status=down after 4s: ` +
                    `it cannot sync from ${MASTER_IP.replace(/\./g, "\\.")}:6379; see its log \\(masterauth, network\\)`,
            ),
        );
        assert.match(msg, new RegExp(`connected_slaves=1 but 2 expected after 4s: not linked: ${BROKEN.name}`));
        assert.doesNotMatch(msg, new RegExp(`replica ${NAME}-replica-1 `), "the healthy replica is not blamed");
        assert.ok(!msg.includes(PASSWORD), "the message must not carry the password");
        console.log(`      check's message: ${msg.replace(/\n/g, "\n      ")}`);
    });

    it("the replica's own log shows the authentication failure", async () => {
        assert.match(await containerLog(BROKEN.name, 200), /AUTH to MASTER.*WRONGPASS/);
    });

    it("tears down leaving no container, network or volume", async () => {
        await finishScenario(s, LABEL);
        await assertNothingLeft(LABEL);
    });
});

// Backups and restore before anything exists: the config's checks (every problem at once, named),
// the runner's settings, the restore file judged on this machine, and the resource graph under
// mocks: the backup container and its dir, the rollout backup before the first node, the final
// backup after everything, the restore seed before the master.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../../components";
import { GroupConfigError, parseGroupConfig } from "../../config";
import { durationSeconds } from "../../config/backup";
import { backupOutputOf, renderBackupEnv } from "../../components/backup";
import { preflightTargets } from "../../components/targets";
import { checkedRestoreFile } from "../../components/restore";
import { argsOfStack } from "../../components/spec";
import { promiseOf } from "../../harness/pulumi";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";
import { problemsOf } from "../support/configProblems";
import { CHECK_TYPE, recordingMocks, Registered, registeredAs, reveal } from "../support/mocks";
import { nameOf, recordRegistrations } from "../support/registrations";
import { PROJECT } from "../support/stackConfig";

const FIXTURE = path.join(__dirname, "..", "fixtures", "redis-7.0.15.rdb");
const BACKUP = { every: "1h", keep: 7, dir: "/var/backups/redis-cache" };

describe("backup and restoreFrom in the config", () => {
    it("reads durations of h, m and s, and nothing else", () => {
        assert.deepStrictEqual(["1h", "30m", "1h30m", "90s", "2h0m5s", "soon", "", "1d", "5", "1m1h"].map(durationSeconds), [
            3600,
            1800,
            5400,
            90,
            7205,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
        ]);
    });

    it("applies the defaults: from a replica, final and rollout backups on, replica-1 first, then the others, the master last", () => {
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, backup: BACKUP });
        const { sources, ...rest } = plan.backup!;
        assert.deepStrictEqual(rest, {
            every: "1h",
            everySeconds: 3600,
            keep: 7,
            dir: "/var/backups/redis-cache",
            from: "replica",
            final: true,
            beforeRollout: true,
            ip: "10.89.0.245",
        });
        assert.deepStrictEqual(
            sources.map((n) => n.key),
            ["replica-1", "replica-2", "master"],
        );
    });

    it("gives the backup container an address no node takes, nor any sentinel count up to the most", () => {
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { count: 9 }, backup: BACKUP });
        const taken = [plan.master, ...plan.replicas, ...plan.sentinel!.nodes].map((n) => n.ip);
        assert.ok(!taken.includes(plan.backup!.ip!), `${plan.backup!.ip} is taken`);
        assert.deepStrictEqual(
            problemsOf({ ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.245", hostPort: 6381 }], backup: BACKUP }),
            [],
            "a replica listed on the first choice moves the backup container down",
        );
        assert.strictEqual(
            parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.245", hostPort: 6381 }], backup: BACKUP }).backup!.ip,
            "10.89.0.244",
        );
        const small = parseGroupConfig({ network: { subnet: "10.9.0.0/29" }, replicaCount: 2, backup: BACKUP });
        assert.strictEqual(small.backup!.ip, "10.9.0.6", "a subnet without room below the sentinels' range: the highest free address");
    });

    it("reports every problem at once, each with its property path", () => {
        assert.deepStrictEqual(
            problemsOf({
                backup: { every: "soon", keep: 0, dir: "backups", from: "master", final: "yes" },
                restoreFrom: { file: "/a.rdb", dir: "/b" },
            }),
            [
                'backup.every: "soon" is not a duration such as "1h", "30m", "1h30m" or "90s"',
                "backup.keep: 0 is out of range 1-10000",
                'backup.dir: "backups" is relative; give an absolute path',
                'backup.from: "master" only when there is no replica: a backup forks the node it comes from, and a replica can serve it',
                'backup.final: must be true or false, got "yes"',
                "restoreFrom: give file or dir, not both",
            ],
        );
        assert.deepStrictEqual(problemsOf({ backup: {} }), [
            'backup.every: is required: how often to take a backup, e.g. "1h", "30m" or "90s"',
            "backup.keep: is required: how many backups to keep (1 or more)",
            "backup.dir: is required: the absolute host directory backups land in",
        ]);
        assert.deepStrictEqual(problemsOf({ backup: { ...BACKUP, dir: "/a/../b", every: "0s", keep: 1 } }), [
            'backup.every: "0s" is out of range 1s-744h',
            'backup.dir: "/a/../b" holds ".."; give the path it stands for',
        ]);
        assert.deepStrictEqual(problemsOf({ backup: { ...BACKUP, dir: "/a:b" } }), [
            'backup.dir: "/a:b" holds ":" or ",", which Docker reads as separators of a bind',
        ]);
    });

    it("takes restoreFrom as a file (the path alone in stack config) or a directory with latest: true", () => {
        assert.deepStrictEqual(parseGroupConfig({ restoreFrom: "/b/x.rdb" }).restore, { file: "/b/x.rdb" });
        assert.deepStrictEqual(parseGroupConfig({ restoreFrom: { dir: "/b", latest: true } }).restore, { dir: "/b", latest: true });
        assert.deepStrictEqual(argsOfStack({ restoreFrom: "/b/x.rdb" }).restoreFrom, { file: "/b/x.rdb" }, "the args take an object");
        assert.deepStrictEqual(problemsOf({ restoreFrom: { dir: "/b" } }), [
            "restoreFrom.latest: must be true with dir: the newest backup in it is restored",
        ]);
        assert.deepStrictEqual(problemsOf({ restoreFrom: "x.rdb" }), ['restoreFrom: "x.rdb" is relative; give an absolute path']);
        assert.deepStrictEqual(problemsOf({ restoreFrom: {} }), [
            "restoreFrom: give file (an .rdb) or dir with latest: true, got object {}",
        ]);
        assert.deepStrictEqual(problemsOf({ users: [{ name: "backup", password: "long-enough-1", rules: "+get" }] }), [
            'users[0].name: "backup" is one of the group\'s own users (default, admin, replication, sentinel, healthcheck, backup, metrics)',
        ]);
    });
});

describe("the restore file, judged on this machine before anything exists", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rr-restore-unit-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const judged = (restore: object, image: object = {}): string => {
        try {
            return checkedRestoreFile(
                parseGroupConfig({ restoreFrom: restore, image }),
                parseGroupConfig({ restoreFrom: restore }).restore!,
            );
        } catch (err) {
            assert.ok(err instanceof GroupConfigError, String(err));
            return err.problems.map((p) => `${p.propertyPath}: ${p.reason}`).join("\n");
        }
    };

    it("takes a good RDB, and refuses a missing file, a text file, and one from a newer Redis than the image's tag", () => {
        assert.strictEqual(judged({ file: FIXTURE }), FIXTURE);
        assert.strictEqual(
            judged({ file: path.join(dir, "none.rdb") }),
            `restoreFrom.file: ${path.join(dir, "none.rdb")} does not exist (if the group was restored from it already, remove restoreFrom)`,
        );
        fs.writeFileSync(path.join(dir, "text.rdb"), "hello\n");
        assert.match(judged({ file: path.join(dir, "text.rdb") }), /^restoreFrom\.file: \S+text\.rdb is not an RDB file/);
        // The fixture is RDB 10 (Redis 7.0): an image of Redis 6.2 reads up to 9.
        assert.match(
            judged({ file: FIXTURE }, { baseImage: "redis:6.2.14-alpine" }),
            /is from a newer Redis \(RDB version 10\) than the image's \(at most 9\)/,
        );
    });

    it("takes the newest backup of a directory: the manifest's newest entry that is there, else the newest file", () => {
        const d = path.join(dir, "backups");
        fs.mkdirSync(d);
        assert.strictEqual(judged({ dir: d, latest: true }), `restoreFrom.dir: ${d} holds no backup (no .rdb file)`);
        for (const f of ["g-20261201T000000Z-replica-1.rdb", "g-20261202T000000Z-replica-1.rdb"]) fs.copyFileSync(FIXTURE, path.join(d, f));
        const manifest = (files: string[]) =>
            fs.writeFileSync(
                path.join(d, "manifest.json"),
                JSON.stringify({ backups: files.map((file, i) => ({ file, time: `2026-12-0${i + 1}T00:00:00Z` })) }),
            );
        manifest(["g-20261201T000000Z-replica-1.rdb", "g-20261202T000000Z-replica-1.rdb", "g-20261203T000000Z-replica-1.rdb"]);
        assert.strictEqual(judged({ dir: d, latest: true }), path.join(d, "g-20261202T000000Z-replica-1.rdb"), "the newest that is there");
        fs.rmSync(path.join(d, "manifest.json"));
        fs.utimesSync(path.join(d, "g-20261201T000000Z-replica-1.rdb"), new Date(), new Date(Date.now() + 60_000));
        assert.strictEqual(
            judged({ dir: d, latest: true }),
            path.join(d, "g-20261201T000000Z-replica-1.rdb"),
            "without a manifest, by time",
        );
    });
});

describe("the backup runner's settings", () => {
    it("lists the nodes on the group's network, the password in the secret file only, TLS flags with TLS", () => {
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, backup: BACKUP });
        assert.deepStrictEqual(renderBackupEnv(plan, plan.backup!, "pw0123").split("\n"), [
            "BACKUP_GROUP=redis-dev",
            "BACKUP_DIR=/backups",
            "BACKUP_EVERY=3600",
            "BACKUP_KEEP=7",
            'BACKUP_SOURCES="replica-1=10.89.0.3:6379 replica-2=10.89.0.4:6379 master=10.89.0.2:6379"',
            "BACKUP_FROM=replica",
            "BACKUP_USER=backup",
            "BACKUP_PASSWORD=pw0123",
            "BACKUP_HOST=",
            'BACKUP_TLS_ARGS=""',
            "",
        ]);
    });
});

describe("backups with several hosts", () => {
    const HOSTS = { a: { address: "10.231.0.11" }, b: { address: "10.231.0.12" }, c: { address: "10.231.0.13" } };
    const plan = parseGroupConfig({ name: "mh", hosts: HOSTS, backup: BACKUP });

    it("runs the backup container on the host of replica-1, which the files land on and the manifest names", () => {
        const env = renderBackupEnv(plan, plan.backup!, "pw").split("\n");
        assert.ok(
            env.includes('BACKUP_SOURCES="replica-1=10.231.0.12:6381 replica-2=10.231.0.13:6382 master=10.231.0.11:6380"'),
            env.join("\n"),
        );
        assert.ok(env.includes("BACKUP_HOST=b"));
        assert.deepStrictEqual(backupOutputOf(plan), { dir: BACKUP.dir, every: "1h", keep: 7, host: "b" });
    });

    it("has host b's preflight check the backup container's name and address, and no other host's", () => {
        const on = (host: string) =>
            preflightTargets(
                plan,
                undefined,
                plan.hosts!.find((h) => h.name === host),
            );
        assert.ok(on("b").names.containers.includes("mh-backup"));
        assert.ok(on("b").ips.some((ip) => ip.path === "backup"));
        assert.ok(!on("a").names.containers.includes("mh-backup") && !on("c").names.containers.includes("mh-backup"));
    });
});

describe("RedisReplicationGroup with backup and restoreFrom (mocks)", function () {
    const registered: Registered[] = [];
    const registrations = recordRegistrations();
    const name = "bku";
    let components: typeof Components;
    let group: Components.RedisReplicationGroup;
    const deps = (n: string) => (registrations.get(n)?.dependencies ?? []).map(nameOf);
    const one = (n: string) => registeredAs(registered, n);

    before(async () => {
        await pulumi.runtime.setMocks(recordingMocks(registered), PROJECT, "backup", false);
        components = await import("../../components");
        group = new components.RedisReplicationGroup(name, {
            ...ONE_MASTER_TWO_REPLICAS,
            name: "rr-bku",
            password: "unit-test-Passw0rd",
            backup: BACKUP,
            restoreFrom: { file: FIXTURE },
        });
        await promiseOf(group.replication);
    });

    it("runs the backup container on the group's network as uid 999, backup.dir at /backups, on its schedule", () => {
        const c = one(`${name}-backup`).inputs;
        assert.strictEqual(c.name, "rr-bku-backup");
        assert.deepStrictEqual(c.command, ["sh", "/usr/local/etc/redis/backup.sh", "schedule"]);
        assert.strictEqual(c.user, "999:999");
        assert.deepStrictEqual(c.volumes, [{ hostPath: BACKUP.dir, containerPath: "/backups" }]);
        assert.strictEqual(c.networksAdvanced[0].ipv4Address, "10.89.0.245");
        assert.deepStrictEqual(c.ports, undefined, "it publishes nothing");
        const env = reveal(c.uploads).find((u: { file: string }) => u.file === "/usr/local/etc/redis/backup.env");
        assert.strictEqual(env.permissions, "0600");
        assert.match(reveal(env.content), /^BACKUP_PASSWORD=mock-bku-backup-password$/m);
        assert.ok(c.labels.some((l: { label: string; value: string }) => l.label === "redis-replication.role" && l.value === "backup"));
    });

    it("makes backup.dir ready first, and starts the container once the master is back", () => {
        assert.deepStrictEqual(one(`${name}-backup-dir`).inputs.dir, BACKUP.dir);
        assert.ok(deps(`${name}-backup`).includes(`${name}-backup-dir`));
        assert.ok(deps(`${name}-backup`).includes(`${name}-master-rejoin`));
    });

    it("puts the rollout backup before the first node, and the final backup after the check, the container and every node", () => {
        assert.strictEqual(one(`${name}-rollout-backup`).inputs.container, "rr-bku-backup");
        assert.ok(deps(`${name}-replica-1`).includes(`${name}-rollout-backup`), deps(`${name}-replica-1`).join(", "));
        assert.ok(!deps(`${name}-rollout-backup`).some((d) => /-(master|replica-\d)$/.test(d)), "it must not wait for a node");
        const final = one(`${name}-final-backup`).inputs;
        assert.deepStrictEqual([final.container, final.enabled], ["rr-bku-backup", true]);
        assert.ok(deps(`${name}-final-backup`).includes(`${name}-check`));
        assert.ok(deps(`${name}-final-backup`).includes(`${name}-backup`));
    });

    it("gives every node the backup user (SYNC and ROLE only) with its own password's hash", async () => {
        const boot = one(`${name}-replica-1-boot`).inputs;
        const users = reveal(boot.current).users as Record<string, string>;
        assert.match(users.backup!, /^on #[0-9a-f]{64} -@all \+sync \+replconf \+ping \+role$/);
    });

    it("seeds the master from the file before its container starts, and hands the check what the file held", async () => {
        const seed = one(`${name}-restore`).inputs;
        assert.strictEqual(seed.file, FIXTURE);
        assert.deepStrictEqual(seed.layout, {
            appendonly: true,
            dbfilename: "dump.rdb",
            appenddirname: "appendonlydir",
            appendfilename: "appendonly.aof",
        });
        assert.deepStrictEqual(seed.target, { volume: "rr-bku-master-data" });
        assert.ok(deps(`${name}-master`).includes(`${name}-restore`));
        assert.ok(!deps(`${name}-replica-1`).includes(`${name}-restore`), "only the master");
        const check = registered.find((r) => r.type === CHECK_TYPE && r.name === `${name}-check`)!;
        assert.deepStrictEqual(reveal(check.inputs.restored), { file: FIXTURE, keys: 1, expires: 0, alreadyExpired: 0 });
        const preflight = one(`${name}-preflight`).inputs;
        assert.deepStrictEqual(preflight.restore, { spec: JSON.stringify({ file: FIXTURE }), masterContainer: "rr-bku-master" });
    });

    it("reports where backups land in the backup output", async () => {
        assert.deepStrictEqual(await promiseOf(group.backup), { dir: BACKUP.dir, every: "1h", keep: 7 });
    });

    it("without backup or restoreFrom, none of it exists", async () => {
        const before = registered.length;
        const plain = new components.RedisReplicationGroup("plainbku", {
            ...ONE_MASTER_TWO_REPLICAS,
            name: "rr-plainbku",
            password: "unit-test-Passw0rd",
            network: { subnet: "10.88.0.0/24" },
            master: { hostPort: 7380 },
            replicas: undefined,
            replicaCount: 2,
        });
        await promiseOf(plain.replication);
        const names = registered.slice(before).map((r) => r.name);
        assert.deepStrictEqual(
            names.filter((n) => /backup|restore/.test(n)),
            [],
        );
        assert.strictEqual(await promiseOf(plain.backup), undefined);
    });
});

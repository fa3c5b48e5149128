// Backups and restore on the real engine: scheduled backups from a replica under a writer (the
// master never forks, keep leaves the newest), the final backup on destroy, a restore of it into a
// new group with AOF on, the backup before a rollout that replaces the master, and bad input that
// fails before anything exists.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerClient } from "../../harness/docker";
import { backupFiles, checkRdb, keysLoaded, manifestOf, totalForks } from "../../harness/backups";
import { listLeftovers } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { withClient } from "../../harness/redisClient";
import { TestCa } from "../../harness/tlsCerts";
import { AckedWriter } from "../../harness/writer";
import { assertOneAtATime, failureOf, isContainer, opsOf, PASSWORD, scenario, ScenarioFamily } from "../support/updateScenario";

const BK: ScenarioFamily = { prefix: "bk", portBase: 8100, subnetOctet: 92 };
const ADMIN = { username: "admin" };

/** Where this run's backups land; removed at the end. Absolute, under the system's temp dir. */
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), "rr-backup-test-"));
after(() => fs.rmSync(ROOT, { recursive: true, force: true }));

/** Writes n keys of 100 bytes on the master in batches, each batch acknowledged by both replicas. */
async function writeKeys(port: number, prefix: string, n: number): Promise<void> {
    await withClient(port, PASSWORD, async (c) => {
        for (let i = 0; i < n; i += 1000) {
            const batch = Array.from({ length: Math.min(1000, n - i) }, (_, j) => [`${prefix}:${i + j}`, `${i + j}`.padEnd(100, "x")]);
            await c.mset(...batch.flat());
        }
        assert.ok(Number(await c.call("WAIT", "2", "10000")) >= 2, "both replicas acknowledged the keys");
    });
}

/** Every key and its value on a node, sorted: what the nodes must agree on after a restore. */
async function contentOf(port: number, admin: string): Promise<string> {
    return withClient(
        port,
        admin,
        async (c) => {
            const keys: string[] = [];
            let cursor = "0";
            do {
                const [next, batch] = await c.scan(cursor, "COUNT", 1000);
                keys.push(...batch);
                cursor = next;
            } while (cursor !== "0");
            keys.sort();
            const values = keys.length > 0 ? await c.mget(...keys) : [];
            return JSON.stringify(keys.map((k, i) => [k, values[i]]));
        },
        ADMIN,
    );
}

describe("backup 1: scheduled backups from a replica under a writer: each checked, the master never forks, keep leaves the newest", function () {
    this.timeout(300_000);
    const s = scenario(1, BK);
    const dir = path.join(ROOT, "bk1", "made-by-the-group");
    const group = "rr-bk-1";
    before(async function () {
        await s.start(this);
        await s.up(s.args({ backup: { every: "2s", keep: 5, dir } }));
    });
    after(async () => s.destroy());

    it("at least 3 backups from replica-1 appear, each passing redis-check-rdb, while the master's total_forks stays put", async () => {
        const forksBefore = await totalForks(s.masterPort, s.admin);
        const writer = await AckedWriter.direct(s.masterPort, PASSWORD);
        let entries;
        try {
            const first = manifestOf(dir, group).length;
            entries = await pollUntil("3 new scheduled backups", 60_000, async () => {
                const now = manifestOf(dir, group);
                return now.length >= first + 3 && now;
            });
        } finally {
            await writer.stop();
        }
        assert.ok(writer.acked.length > 0, "the writer wrote during the backups");
        assert.strictEqual(await totalForks(s.masterPort, s.admin), forksBefore, "the master forked for a backup");
        const masterReplId = await withClient(
            s.masterPort,
            s.admin,
            async (c) => /master_replid:(\w+)/.exec(await c.info("replication"))![1],
            ADMIN,
        );
        for (const e of entries) {
            assert.match(e.file, /^rr-bk-1-\d{8}T\d{6}Z-replica-1\.rdb$/);
            assert.deepStrictEqual([e.kind, e.node, e.replId], ["scheduled", "replica-1", masterReplId]);
            const file = path.join(dir, e.file);
            if (!fs.existsSync(file)) continue; // kept 5: an early one may be gone already
            const checked = await checkRdb(file);
            assert.ok(checked.ok, `${e.file}: ${checked.output}`);
            assert.strictEqual(checked.keys, e.keys, `${e.file}: the manifest's key count`);
            assert.strictEqual(fs.statSync(file).size, e.bytes);
        }
        console.log(`      ${entries.length} backups; the last: ${entries.at(-1)!.keys} keys, ${entries.at(-1)!.tookMs} ms`);
    });

    it("keep: 2 (a later up) leaves exactly the 2 newest, and the manifest lists those", async () => {
        await s.up(s.args({ backup: { every: "2s", keep: 2, dir } }));
        const before = manifestOf(dir, group).map((e) => e.file);
        // Read between two backups: the files in the directory are the ones the manifest lists.
        const files = await pollUntil("a backup after the change, and 2 files left, the manifest's", 60_000, async () => {
            const now = backupFiles(dir, group);
            const listed = manifestOf(dir, group).map((e) => e.file);
            return now.length === 2 && JSON.stringify(now) === JSON.stringify(listed) && now[1]! > before.at(-1)! && now;
        });
        assert.ok(
            before.every((f) => f <= files[1]!),
            `${files.join(", ")} are the newest of ${before.join(", ")}`,
        );
    });
});

describe("backup 2-3: the final backup on destroy holds every key; restored into a new group with AOF on, every node holds them", function () {
    this.timeout(300_000);
    const s = scenario(2, BK);
    const r = scenario(3, BK);
    const dir = path.join(ROOT, "bk2");
    let finalFile = "";
    let content = "";
    before(async function () {
        await s.start(this);
        // every 1 h: the final backup is the only one.
        await s.up(s.args({ backup: { every: "1h", keep: 3, dir } }));
    });
    after(async () => {
        await s.destroy();
        await r.destroy();
    });

    it("10 000 keys, then destroy: the final backup (from replica-1) loads 10 000 keys in a throwaway redis-server", async () => {
        await writeKeys(s.masterPort, "final", 10_000);
        content = await contentOf(s.masterPort, s.admin);
        await s.destroy();
        assert.deepStrictEqual(await listLeftovers("bk-2"), [], "destroy left objects behind");
        const entries = manifestOf(dir, "rr-bk-2");
        assert.deepStrictEqual(
            entries.map((e) => [e.kind, e.node, e.keys]),
            [["final", "replica-1", 10_000]],
        );
        finalFile = path.join(dir, entries[0]!.file);
        assert.strictEqual(await keysLoaded(finalFile), 10_000);
    });

    it("restoreFrom (dir, latest) seeds a new group's master with AOF on: every node holds the same 10 000 keys, the check says so", async function () {
        assert.ok(finalFile, "the final backup of the test before");
        await r.start(this);
        const { replication } = await r.up(r.args({ restoreFrom: { dir, latest: true } }));
        assert.strictEqual(replication.restoredKeys, 10_000);
        assert.match(replication.verified, /the 10000 restored keys on every node/);
        const ports = [r.masterPort, r.masterPort + 1, r.masterPort + 2];
        for (const port of ports)
            assert.ok((await contentOf(port, r.admin)) === content, `node on ${port} differs from the group restored`);
        const aof = await withClient(r.masterPort, r.admin, (c) => c.config("GET", "appendonly"), ADMIN);
        assert.deepStrictEqual(aof, ["appendonly", "yes"]);
        // The AOF holds the data: a restart loads it back.
        await dockerClient().getContainer("rr-bk-3-master").restart({ t: 10 });
        const size = await pollUntil("the master back after its restart", 60_000, async () =>
            withClient(r.masterPort, r.admin, async (c) => Number(await c.dbsize()), ADMIN).catch(() => undefined),
        );
        assert.strictEqual(size, 10_000);
    });
});

describe("backup 4: an image change takes a backup before the master is replaced", function () {
    this.timeout(300_000);
    const s = scenario(4, BK);
    const dir = path.join(ROOT, "bk4");
    const otherBase = "redis-replication-test/base:backup-b";
    before(async function () {
        await s.start(this);
        await s.up(s.args({ backup: { every: "1h", keep: 3, dir, final: false } }));
        await writeKeys(s.masterPort, "rollout", 2000);
    });
    after(async () => {
        await s.destroy();
        await dockerClient()
            .getImage(otherBase)
            .remove()
            .catch(() => undefined);
    });

    it("the rollout backup runs first, holds every key, and the manifest shows it", async () => {
        await dockerClient().getImage(s.base).tag({ repo: "redis-replication-test/base", tag: "backup-b" });
        const { steps } = await s.up(s.args({ image: { baseImage: otherBase }, backup: { every: "1h", keep: 3, dir, final: false } }));
        assert.deepStrictEqual(
            opsOf(steps, (x) => x.name === "bk4-rollout-backup"),
            ["update bk4-rollout-backup"],
        );
        const firstNode = steps.filter(isContainer).find((x) => x.name === "bk4-replica-1");
        assert.ok(firstNode, opsOf(steps).join(", "));
        assertOneAtATime(steps, ["bk4-rollout-backup", "bk4-replica-1", "bk4-master"]);
        const entries = manifestOf(dir, "rr-bk-4");
        assert.deepStrictEqual(
            entries.map((e) => [e.kind, e.keys]),
            [["rollout", 2000]],
        );
    });
});

describe("backup 5: bad input fails before any Docker object exists, naming the property", function () {
    this.timeout(300_000);
    const s = scenario(5, BK);
    const notRdb = path.join(ROOT, "not-an.rdb");
    before(async function () {
        fs.writeFileSync(notRdb, "this is text\n");
        await s.start(this);
    });
    after(async () => s.destroy());

    const cases: [string, () => object, RegExp][] = [
        [
            "restoreFrom a missing file",
            () => ({ restoreFrom: { file: path.join(ROOT, "missing.rdb") } }),
            /restoreFrom\.file: \S+missing\.rdb does not exist/,
        ],
        ["restoreFrom not an RDB", () => ({ restoreFrom: { file: notRdb } }), /restoreFrom\.file: \S+not-an\.rdb is not an RDB file/],
        ["a relative backup.dir", () => ({ backup: { every: "1h", keep: 1, dir: "backups" } }), /backup\.dir: "backups" is relative/],
        ["keep: 0", () => ({ backup: { every: "1h", keep: 0, dir: ROOT } }), /backup\.keep: 0 is out of range/],
        ['every: "soon"', () => ({ backup: { every: "soon", keep: 1, dir: ROOT } }), /backup\.every: "soon" is not a duration/],
    ];
    for (const [what, over, expected] of cases) {
        it(what, async () => {
            const message = await failureOf(() => s.up(s.args(over())));
            assert.match(message, expected);
            assert.deepStrictEqual(await listLeftovers("bk-5"), []);
        });
    }

    it("restoreFrom on a running group: refused by the preflight, naming restoreFrom, with no container changed", async () => {
        await s.up(s.args());
        const names = ["rr-bk-5-master", "rr-bk-5-replica-1", "rr-bk-5-replica-2"];
        const ids = await Promise.all(names.map(async (n) => (await dockerClient().getContainer(n).inspect()).Id));
        const good = path.join(ROOT, "good.rdb");
        fs.copyFileSync(path.join(__dirname, "..", "fixtures", "redis-7.0.15.rdb"), good);
        const message = await failureOf(() => s.up(s.args({ restoreFrom: { file: good } })));
        assert.match(message, /restoreFrom: the group is already running/);
        assert.deepStrictEqual(await Promise.all(names.map(async (n) => (await dockerClient().getContainer(n).inspect()).Id)), ids);
    });
});

describe("backup 6: a TLS group with client certificates required: the runner backs up over TLS", function () {
    this.timeout(300_000);
    const s = scenario(6, BK);
    const dir = path.join(ROOT, "bk6");
    const ca = new TestCa();
    const node = ca.issue({ commonName: "rr-bk-6", ips: ["127.0.0.1"] });
    before(async function () {
        await s.start(this);
        await s.up(s.args({ tls: { ca: ca.cert, ...node, authClients: true }, backup: { every: "2s", keep: 2, dir, final: false } }));
    });
    after(async () => s.destroy());

    it("a scheduled backup from replica-1 lands, passing redis-check-rdb", async () => {
        const entry = await pollUntil("a backup over TLS", 60_000, async () => manifestOf(dir, "rr-bk-6").at(-1));
        assert.strictEqual(entry.node, "replica-1");
        // The newest of two kept: there for the next two slots.
        const checked = await checkRdb(path.join(dir, entry.file));
        assert.ok(checked.ok, checked.output);
    });
});

describe("backup 7: turning backups off for a running group: final: false first, then without backup", function () {
    this.timeout(300_000);
    const s = scenario(7, BK);
    const dir = path.join(ROOT, "bk7");
    const backup = { every: "1h", keep: 2, dir };
    before(async function () {
        await s.start(this);
        await s.up(s.args({ backup }));
    });
    after(async () => s.destroy());

    it("in one step, the final backup fails for want of its user, naming it, and the backup container stays", async () => {
        const message = await failureOf(() => s.up(s.args()));
        assert.match(message, /the final backup failed, so nothing it guards was removed: .*WRONGPASS/);
        assert.ok((await dockerClient().getContainer("rr-bk-7-backup").inspect()).State.Running);
    });

    it("with final: false first, the next up removes the backup container, the user and no node", async () => {
        await s.up(s.args({ backup: { ...backup, final: false } }));
        const ids = async () =>
            Promise.all(
                ["master", "replica-1", "replica-2"].map(async (n) => (await dockerClient().getContainer(`rr-bk-7-${n}`).inspect()).Id),
            );
        const before = await ids();
        const { steps } = await s.up(s.args());
        assert.deepStrictEqual(opsOf(steps, (x) => x.op === "delete").sort(), [
            "delete bk7-backup",
            "delete bk7-backup-dir",
            "delete bk7-backup-password",
            "delete bk7-final-backup",
            "delete bk7-rollout-backup",
        ]);
        assert.deepStrictEqual(await ids(), before);
        const users = await withClient(s.masterPort, s.admin, (c) => c.call("ACL", "USERS") as Promise<string[]>, ADMIN);
        assert.ok(!users.includes("backup"), users.join(", "));
        assert.deepStrictEqual(manifestOf(dir, "rr-bk-7"), [], "no backup was taken");
    });
});

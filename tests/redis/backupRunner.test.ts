// The backup runner (components/backup/runner.sh) against a real master and two replicas on
// 127.0.0.1, under the system sh (dash) and, if busybox is installed, under `busybox sh` with only
// busybox applets on PATH, as in the runner's FROM-scratch image. Each test gets its own backup
// dir; what a backup did is proved by the files, the manifest and the nodes' INFO (forks), and
// waits poll with a deadline.
import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import type { ManifestEntry } from "../../harness/backups";
import { pollUntil } from "../../harness/poll";
import { withClient } from "../../harness/redisClient";
import { Group, infoReplication, RedisFleet, RedisNode, requireRedisServer, startGroup } from "../support/redisProcesses";

const REPO = path.join(__dirname, "..", "..");
const RUNNER = path.join(REPO, "components", "backup", "runner.sh");
const GROUP = "rr-bk-1";
const BACKUP_PASSWORD = "bk-Pa55-word";
const KEYS = 25;
const NAME = new RegExp(`^${GROUP}-(\\d{8}T\\d{6}Z)-([a-z0-9-]+)\\.rdb$`);
/** Kills a runner that hangs, so the test fails on its result rather than on mocha's timeout. */
const RUN_LIMIT_MS = 60_000;
/** The applets the runner may use in its image: busybox's, plus the two redis tools. */
const APPLETS = "sh date sleep mv rm ls sort head tail sed grep awk wc cat mkdir rmdir tr cut printf kill stat".split(" ");

interface Shell {
    name: string;
    argv: string[];
    /** PATH for the runner; the test process's when unset. */
    path?: string;
}

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

function onPath(bin: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, bin);
        if (fs.existsSync(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

const children = new Set<ChildProcess>();
process.on("exit", () => {
    for (const c of children) {
        c.kill("SIGKILL");
    }
});

function exited(c: ChildProcess): boolean {
    return c.exitCode !== null || c.signalCode !== null;
}

/** SIGTERM (the runner's own stop), SIGKILL if it outlives 3 s. */
async function stopChild(c: ChildProcess): Promise<void> {
    if (!exited(c)) {
        c.kill("SIGTERM");
        await pollUntil("a runner to exit", 3000, async () => exited(c), 20).catch(() => c.kill("SIGKILL"));
    }
    children.delete(c);
}

function startRunner(shell: Shell, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; out: () => string; err: () => string } {
    const child = spawn(shell.argv[0]!, [...shell.argv.slice(1), RUNNER, ...args], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    return { child, out: () => stdout, err: () => stderr };
}

function runRunner(shell: Shell, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
    const { child, out, err } = startRunner(shell, args, env);
    const limit = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
    return new Promise((resolve) => {
        child.on("close", (code) => {
            clearTimeout(limit);
            children.delete(child);
            resolve({ code, stdout: out(), stderr: err() });
        });
    });
}

async function infoField(node: RedisNode, password: string, section: string, field: string): Promise<string> {
    const info = await withClient(node.port, password, (c) => c.info(section));
    const m = new RegExp(`^${field}:(.*)$`, "m").exec(info);
    assert.ok(m, `${field} in INFO ${section} of ${node.endpoint}`);
    return m[1]!.trim();
}

/** The runner's user, as the component creates it: it may pull an RDB and ask for the role, nothing else. */
function addBackupUser(node: RedisNode, password: string): Promise<unknown> {
    return withClient(node.port, password, (c) =>
        c.call("ACL", "SETUSER", "backup", "on", `>${BACKUP_PASSWORD}`, "-@all", "+sync", "+replconf", "+ping", "+role"),
    );
}

const forks = async (node: RedisNode, password: string): Promise<number> => Number(await infoField(node, password, "stats", "total_forks"));

/** A port nothing listens on: the OS hands out a free one, which is closed again. */
function closedPort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

function readManifest(dir: string): ManifestEntry[] {
    return (JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { backups: ManifestEntry[] }).backups;
}

/** Backup files of any group, sorted. */
function backups(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".rdb") && !f.startsWith("."))
        .sort();
}

/** Leftovers of an attempt: temp files and locks. */
function leftovers(dir: string): string[] {
    return fs.readdirSync(dir).filter((f) => f.startsWith(".tmp-") || f.startsWith(".lock-") || f.startsWith(".manifest.json."));
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), as the runner records a lock's holder. */
function procStart(pid: number): string {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[19]!;
}

/** Whether a process has a handler for SIGTERM (SigCgt in /proc/PID/status): the runner's trap is set. */
function catchesSigterm(pid: number): boolean {
    const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "0";
    return (BigInt(`0x${mask}`) & (1n << 14n)) !== 0n; // bit 15 - 1
}

/** The first live process whose parent PID and argv match, from /proc. */
function findProcess(match: (ppid: number, argv: string[]) => boolean): number | undefined {
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const [state, ppid] = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
            if (state !== "Z" && match(Number(ppid), fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0"))) {
                return Number(entry);
            }
        } catch {
            // gone meanwhile
        }
    }
    return undefined;
}

/** Whether a process exists and is not a zombie. */
function alive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[0] !== "Z";
    } catch {
        return false;
    }
}

/** The dir's state an attempt must not touch: each file's bytes, and the manifest. */
function snapshot(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of [...backups(dir), "manifest.json"]) {
        out[f] = fs.readFileSync(path.join(dir, f)).toString("base64");
    }
    return out;
}

function shells(): Shell[] {
    const list: Shell[] = [{ name: "sh", argv: ["sh"] }];
    const busybox = onPath("busybox");
    if (!busybox) {
        console.log("    busybox is not on PATH: the runner is tested under sh only");
        return list;
    }
    // Only busybox applets and the redis tools on PATH, as in the runner's FROM-scratch image.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "backup-runner-bin-"));
    for (const applet of APPLETS) {
        fs.symlinkSync(busybox, path.join(bin, applet));
    }
    for (const tool of ["redis-cli", "redis-check-rdb"]) {
        const found = onPath(tool);
        if (found) {
            fs.symlinkSync(found, path.join(bin, tool));
        }
    }
    process.on("exit", () => fs.rmSync(bin, { recursive: true, force: true }));
    return [...list, { name: "busybox sh with busybox applets only", argv: [busybox, "sh"], path: bin }];
}

for (const shell of shells()) {
    describe(`backup runner under ${shell.name}, against redis-server`, function () {
        let fleet: RedisFleet;
        let g: Group;
        let replica1: RedisNode;
        let replica2: RedisNode;
        let dir: string;
        const src = (n: RedisNode, name: string): string => `${name}=127.0.0.1:${n.port}`;
        let sources: string;

        before(async function () {
            fleet = new RedisFleet(requireRedisServer(this));
            g = await startGroup(fleet, 2);
            [replica1, replica2] = g.replicas as [RedisNode, RedisNode];
            for (const n of [g.master, ...g.replicas]) {
                await addBackupUser(n, g.password);
            }
            await withClient(g.master.port, g.password, async (c) => {
                for (let i = 0; i < KEYS; i++) {
                    await c.set(`bk:${i}`, `value-${i}`);
                }
            });
            for (const r of g.replicas) {
                await pollUntil(`${KEYS} keys on ${r.endpoint}`, 5000, () =>
                    withClient(r.port, g.password, async (c) => (await c.dbsize()) === KEYS),
                );
            }
            sources = `${src(replica1, "replica-1")} ${src(replica2, "replica-2")} ${src(g.master, "master")}`;
        });
        after(async () => {
            await fleet?.stopAll();
        });
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-runner-"));
        });
        afterEach(async () => {
            await Promise.all([...children].map(stopChild));
            fs.rmSync(dir, { recursive: true, force: true });
        });

        const env = (over: Record<string, string> = {}): NodeJS.ProcessEnv => ({
            PATH: shell.path ?? process.env.PATH,
            BACKUP_ENV: path.join(dir, "no-such-backup.env"),
            BACKUP_GROUP: GROUP,
            BACKUP_DIR: dir,
            BACKUP_EVERY: "1",
            BACKUP_KEEP: "5",
            BACKUP_SOURCES: sources,
            BACKUP_USER: "backup",
            BACKUP_PASSWORD,
            BACKUP_HOST: "",
            ...over,
        });
        const run = (args: string[], over: Record<string, string> = {}): Promise<Run> => runRunner(shell, args, env(over));
        /** A successful `once`: its file's name. */
        const backUp = async (over: Record<string, string> = {}): Promise<string> => {
            const r = await run(["once", "scheduled"], over);
            assert.strictEqual(r.code, 0, `once failed: ${r.stderr}`);
            return r.stdout.trimEnd().split("\n").pop()!;
        };
        const oneLine = (r: Run): string => {
            assert.notStrictEqual(r.code, 0, `expected a failure, got: ${r.stdout}`);
            const lines = r.stderr.trimEnd().split("\n");
            assert.strictEqual(lines.length, 1, `one line on stderr: ${r.stderr}`);
            return lines[0]!;
        };

        it("backs up from replica-1: a checked 0640 RDB and its manifest entry, without a fork on the master", async () => {
            const masterForks = await forks(g.master, g.password);
            const replicaForks = await forks(replica1, g.password);
            const r = await run(["once", "final"], { BACKUP_HOST: "docker-host-a" });
            assert.strictEqual(r.code, 0, r.stderr);
            const name = r.stdout.trimEnd().split("\n").pop()!;
            const m = NAME.exec(name);
            assert.ok(m, `name ${name}`);
            assert.strictEqual(m[2], "replica-1");
            const file = path.join(dir, name);
            const check = spawnSync("redis-check-rdb", [file], { encoding: "utf8" });
            assert.strictEqual(check.status, 0, check.stdout);
            assert.match(check.stdout, /RDB looks OK/);
            assert.strictEqual(fs.statSync(file).mode & 0o777, 0o640);

            const masterInfo = await withClient(g.master.port, g.password, infoReplication);
            const [entry, ...rest] = readManifest(dir);
            assert.deepStrictEqual(rest, []);
            const ts = m[1]!;
            assert.deepStrictEqual(
                { ...entry, replOffset: undefined, tookMs: undefined },
                {
                    file: name,
                    group: GROUP,
                    kind: "final",
                    time: `${ts.slice(0, 4)}-${ts.slice(4, 6)}-${ts.slice(6, 8)}T${ts.slice(9, 11)}:${ts.slice(11, 13)}:${ts.slice(13, 15)}Z`,
                    node: "replica-1",
                    endpoint: replica1.endpoint,
                    host: "docker-host-a",
                    bytes: fs.statSync(file).size,
                    keys: KEYS,
                    replId: masterInfo.master_replid,
                    replOffset: undefined,
                    tookMs: undefined,
                },
            );
            assert.ok(Number.isInteger(entry!.replOffset) && entry!.replOffset! > 0, `replOffset ${entry!.replOffset}`);
            assert.ok(Number.isInteger(entry!.tookMs) && entry!.tookMs >= 0, `tookMs ${entry!.tookMs}`);
            // The RDB was made by a fork on replica-1, none on the master.
            assert.strictEqual(await forks(g.master, g.password), masterForks);
            assert.ok((await forks(replica1, g.password)) > replicaForks, "replica-1 forked for the RDB");
            assert.deepStrictEqual(leftovers(dir), []);
            assert.strictEqual(fs.readFileSync(path.join(dir, `.status-${GROUP}`), "utf8"), `ok ${name}\n`);
        });

        it("skips a master listed first and backs up from the next replica", async () => {
            const masterForks = await forks(g.master, g.password);
            const name = await backUp({
                BACKUP_SOURCES: `${src(g.master, "master")} ${src(replica2, "replica-2")} ${src(replica1, "replica-1")}`,
            });
            assert.strictEqual(NAME.exec(name)?.[2], "replica-2");
            assert.deepStrictEqual(
                readManifest(dir).map((e) => [e.file, e.node, e.endpoint, e.host]),
                [[name, "replica-2", replica2.endpoint, null]],
            );
            assert.strictEqual(await forks(g.master, g.password), masterForks);
        });

        it("skips a replica not linked to its master (it would refuse SYNC) and says so when none is left", async () => {
            const lost = await fleet.start({ name: "lost-replica", password: g.password, replicaOf: await closedPort() });
            await addBackupUser(lost, g.password);
            const name = await backUp({ BACKUP_SOURCES: `${src(lost, "lost")} ${src(replica1, "replica-1")}` });
            assert.strictEqual(NAME.exec(name)?.[2], "replica-1");
            const r = await run(["once", "scheduled"], { BACKUP_SOURCES: src(lost, "lost") });
            assert.match(
                oneLine(r),
                new RegExp(`^no replica to back up from: lost \\(${lost.endpoint}\\) is a replica in state (connect|connecting)$`),
            );
            assert.deepStrictEqual(backups(dir), [name]);
            await lost.stop();
        });

        it("with only the master listed, fails naming it and leaves nothing but the status; BACKUP_FROM=master takes it", async () => {
            const only = { BACKUP_SOURCES: src(g.master, "master") };
            const failed = await run(["once", "scheduled"], only);
            assert.strictEqual(oneLine(failed), `no replica to back up from: master (${g.master.endpoint}) is master`);
            assert.deepStrictEqual(fs.readdirSync(dir).sort(), [".manifest.d", `.status-${GROUP}`]);
            assert.deepStrictEqual(fs.readdirSync(path.join(dir, ".manifest.d")), []);

            const masterForks = await forks(g.master, g.password);
            const name = await backUp({ ...only, BACKUP_FROM: "master" });
            assert.deepStrictEqual(
                readManifest(dir).map((e) => [e.file, e.node, e.keys]),
                [[name, "master", KEYS]],
            );
            assert.strictEqual(await forks(g.master, g.password), masterForks + 1, "the master forked for it");
        });

        it("keeps the BACKUP_KEEP newest of its group, leaves other groups' files alone, and lists every group", async () => {
            // "rr-bk-1-b" starts with this group's name: its files must not count as this group's.
            const other = await backUp({ BACKUP_GROUP: `${GROUP}-b` });
            const names: string[] = [];
            for (let i = 0; i < 4; i++) {
                names.push(await backUp({ BACKUP_KEEP: "2" }));
            }
            assert.deepStrictEqual([...names].sort(), names, "name order is time order");
            const kept = [names[2]!, names[3]!];
            assert.deepStrictEqual(backups(dir), [...kept, other].sort());
            assert.deepStrictEqual(
                readManifest(dir).map((e) => [e.file, e.group]),
                [...kept.map((f) => [f, GROUP]), [other, `${GROUP}-b`]].sort(),
            );
            assert.deepStrictEqual(
                fs.readdirSync(path.join(dir, ".manifest.d")).sort(),
                [...kept, other].sort().map((f) => `${f}.json`),
            );
            assert.deepStrictEqual(leftovers(dir), []);
        });

        it("fails on a failing redis-check-rdb with its output, removes the temp file, keeps earlier backups", async () => {
            await backUp();
            const before = snapshot(dir);
            const stub = path.join(dir, "check-stub.sh");
            fs.writeFileSync(
                stub,
                '#!/bin/sh\necho "[offset 0] Checking RDB file $1"\necho "[offset 9] stub: bad checksum"\necho "[info] 0 keys read"\nexit 1\n',
                { mode: 0o755 },
            );
            const r = await run(["once", "scheduled"], { REDIS_CHECK_RDB: stub });
            assert.strictEqual(
                oneLine(r),
                `backup from replica-1 (${replica1.endpoint}): redis-check-rdb failed: [offset 9] stub: bad checksum`,
            );
            assert.deepStrictEqual(snapshot(dir), before);
            assert.deepStrictEqual(leftovers(dir), []);
        });

        it("fails when no source answers, saying what each said, and keeps earlier backups and the manifest", async () => {
            await backUp();
            const before = snapshot(dir);
            const [p1, p2] = [await closedPort(), await closedPort()];
            const r = await run(["once", "scheduled"], { BACKUP_SOURCES: `replica-1=127.0.0.1:${p1} replica-2=127.0.0.1:${p2}` });
            assert.strictEqual(
                oneLine(r),
                `no replica to back up from: replica-1 (127.0.0.1:${p1}): Connection refused; replica-2 (127.0.0.1:${p2}): Connection refused`,
            );
            assert.deepStrictEqual(snapshot(dir), before);

            const wrong = await run(["once", "scheduled"], { BACKUP_PASSWORD: "not-the-password" });
            assert.match(
                oneLine(wrong),
                new RegExp(`^no replica to back up from: replica-1 \\(${replica1.endpoint}\\): AUTH failed: WRONGPASS`),
            );
            assert.deepStrictEqual(snapshot(dir), before);
            assert.deepStrictEqual(leftovers(dir), []);
        });

        it("health: exit 0 before any attempt and after a success, 1 with the reason after a failure", async () => {
            assert.strictEqual((await run(["health"])).code, 0);
            const down = await closedPort();
            await run(["once", "scheduled"], { BACKUP_SOURCES: `replica-1=127.0.0.1:${down}` });
            const sick = await run(["health"]);
            assert.strictEqual(sick.code, 1);
            assert.strictEqual(
                sick.stdout,
                `last backup of ${GROUP} failed: no replica to back up from: replica-1 (127.0.0.1:${down}): Connection refused\n`,
            );
            await backUp();
            assert.deepStrictEqual(await run(["health"]), { code: 0, stdout: "", stderr: "" });
        });

        it("schedule: a backup per slot, KEEP honoured, and exit 0 on SIGTERM", async () => {
            const s = startRunner(shell, ["schedule"], env({ BACKUP_KEEP: "2" }));
            const logLine = new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ backup ok: (${GROUP}-\\d{8}T\\d{6}Z-replica-1\\.rdb)$`);
            const okNames = (): string[] =>
                s
                    .out()
                    .split("\n")
                    .filter((l) => l !== "")
                    .map((l) => {
                        const m = logLine.exec(l);
                        assert.ok(m, `log line: ${l}`);
                        return m[1]!;
                    });
            await pollUntil("3 scheduled backups", 30_000, async () => !exited(s.child) && okNames().length >= 3, 50);
            s.child.kill("SIGTERM");
            await pollUntil("the scheduler to exit after SIGTERM", 5000, async () => exited(s.child), 20);
            assert.deepStrictEqual([s.child.exitCode, s.child.signalCode], [0, null], s.err());
            assert.strictEqual(new Set(okNames()).size, okNames().length, "a new file each slot");
            // A backup cut short by the SIGTERM leaves no temp file or lock behind.
            await pollUntil(
                "only the 2 newest backups, no leftovers",
                5000,
                async () => backups(dir).length === 2 && leftovers(dir).length === 0,
                50,
            );
            assert.deepStrictEqual(
                readManifest(dir).map((e) => e.file),
                backups(dir),
            );
        });

        it("schedule: keeps going after failed backups, and stops at once on SIGTERM while sleeping", async () => {
            const down = await closedPort();
            const s = startRunner(shell, ["schedule"], env({ BACKUP_SOURCES: `replica-1=127.0.0.1:${down}` }));
            const failed = `backup failed: no replica to back up from: replica-1 (127.0.0.1:${down}): Connection refused`;
            await pollUntil(
                "2 failed slots",
                30_000,
                async () =>
                    s
                        .out()
                        .split("\n")
                        .filter((l) => l.endsWith(failed)).length >= 2,
                50,
            );
            assert.ok(!exited(s.child), "still running after failures");
            assert.deepStrictEqual(backups(dir), []);

            // The next slot is an hour away: only the trap can end the sleep.
            const idle = startRunner(shell, ["schedule"], env({ BACKUP_EVERY: "3600", BACKUP_DIR: path.join(dir, "idle") }));
            const sleeper = await pollUntil(
                "the idle scheduler to sleep, its trap set",
                5000,
                async () =>
                    exited(idle.child)
                        ? -1
                        : catchesSigterm(idle.child.pid!) &&
                          findProcess((ppid, argv) => ppid === idle.child.pid && argv[0]!.endsWith("sleep")),
                20,
            );
            try {
                idle.child.kill("SIGTERM");
                await pollUntil("the sleeping scheduler to exit after SIGTERM", 5000, async () => exited(idle.child), 20);
                await pollUntil(`its sleep (pid ${sleeper}) to end with it`, 5000, async () => !alive(sleeper), 20);
            } finally {
                // An orphaned sleep would hold the test's pipes open for an hour.
                if (sleeper > 0 && alive(sleeper)) {
                    process.kill(sleeper, "SIGKILL");
                }
            }
            assert.deepStrictEqual([idle.child.exitCode, idle.child.signalCode], [0, null], idle.err());
        });

        it("schedule: a SIGTERM during a transfer stops it at once, leaving no redis-cli, temp file or lock", async () => {
            // replica-2 streams its RDB slowly: 25 keys at 200 ms each.
            await withClient(replica2.port, g.password, (c) => c.call("CONFIG", "SET", "rdb-key-save-delay", "200000"));
            try {
                const s = startRunner(shell, ["schedule"], env({ BACKUP_SOURCES: src(replica2, "replica-2") }));
                const cli = await pollUntil(
                    "a transfer from replica-2 to start",
                    10_000,
                    async () => findProcess((_, argv) => argv.includes("--rdb") && argv.some((a) => a.startsWith(path.join(dir, ".tmp-")))),
                    20,
                );
                assert.ok(
                    leftovers(dir).some((f) => f.startsWith(".tmp-")),
                    "the transfer writes a temp file",
                );
                s.child.kill("SIGTERM");
                await pollUntil("the scheduler to exit after SIGTERM", 5000, async () => exited(s.child), 20);
                assert.deepStrictEqual([s.child.exitCode, s.child.signalCode], [0, null], s.err());
                await pollUntil(`redis-cli (pid ${cli}) to end`, 5000, async () => !alive(cli), 20);
                await pollUntil("no temp file or lock left", 5000, async () => leftovers(dir).length === 0, 20);
                assert.deepStrictEqual(backups(dir), []);
            } finally {
                await withClient(replica2.port, g.password, async (c) => {
                    await c.call("CONFIG", "SET", "rdb-key-save-delay", "0");
                    // Its save for the dropped transfer ends too, so the next backup from it is not delayed.
                    await pollUntil(
                        "replica-2's RDB child to end",
                        10_000,
                        async () => /^rdb_bgsave_in_progress:0/m.test(await c.info("persistence")),
                        20,
                    );
                });
            }
        });

        it("takes over a lock whose holder is gone, and waits for (then gives up on) a live one without removing it", async () => {
            const lock = path.join(dir, `.lock-${GROUP}`);
            const gone = spawnSync("true");
            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), `${gone.pid} 1\n`);
            const name = await backUp();
            assert.deepStrictEqual(backups(dir), [name]);
            assert.deepStrictEqual(leftovers(dir), []);

            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), `${process.pid} ${procStart(process.pid)}\n`);
            const r = await run(["once", "scheduled"], { BACKUP_LOCK_WAIT: "1" });
            assert.strictEqual(oneLine(r), `lock ${lock} held by another backup (pid ${process.pid}) for over 1 s`);
            assert.deepStrictEqual(backups(dir), [name]);
            assert.ok(fs.existsSync(path.join(lock, "pid")), "a live holder's lock stays");
        });

        it("fails early when BACKUP_DIR is not writable", async () => {
            const notDir = path.join(dir, "a-file");
            fs.writeFileSync(notDir, "");
            const r = await run(["once", "scheduled"], { BACKUP_DIR: path.join(notDir, "backups") });
            assert.strictEqual(oneLine(r), `backup dir ${path.join(notDir, "backups")} is not writable`);
        });
    });
}

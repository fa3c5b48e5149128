// The redis.conf and sentinel.conf the component renders, run by real Redis 7.0 from Debian.
// Only what must differ on a host is changed: `dir /data` becomes a temp dir (Redis chdirs while
// reading the file), and port, bind and the master's address are overridden on the command
// line. Everything else is the rendered file as the container gets it.
import * as assert from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Redis from "ioredis";
import { parseGroupConfig } from "../../config";
import { hashedPassword } from "../../components/acl";
import { HEALTHCHECK_TEST, renderRedisConf, renderSentinelConf } from "../../components/redisConf";
import { pollUntil } from "../../harness/poll";
import { outcomeAs } from "../../harness/redisClient";
import { LOCAL_POLL_MS, requireRedisServer } from "../support/redisProcesses";

const PASSWORD = "rendered-Passw0rd";
const CREDS = { admin: "admin-Rendered-1", replication: "repl-Rendered-1", sentinel: "sentinel-Rendered-1" };
const SECRETS = { password: PASSWORD, creds: CREDS };
const READER = "reader-Rendered-1";
/** A configured user, as the component renders it: read-only, on keys under report:. */
const USERS = { reporting: `on ${hashedPassword(READER)} ~report:* +@read` };
const HOST = "127.0.0.1";
const PORTS = { master: 17250, replica: 17251, sentinel: 17252 };

// Loopback addresses only: the sentinel really connects to the master it is told to monitor.
const plan = parseGroupConfig({
    name: "rendered",
    network: { subnet: "127.0.0.0/8", gateway: "127.0.0.254" },
    master: { ip: "127.0.0.2", hostPort: 6380 },
    replicas: 1,
    sentinel: { count: 3, downAfterMilliseconds: 1500 },
});

describe("rendered configs on real Redis", function () {
    let serverPath = "";
    const procs: ChildProcess[] = [];
    const clients: Redis[] = [];
    const dirs: string[] = [];

    before(function () {
        serverPath = requireRedisServer(this);
    });

    after(async () => {
        for (const c of clients) c.disconnect();
        for (const p of procs) p.kill("SIGKILL");
        await Promise.all(
            procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? undefined : new Promise((r) => p.once("exit", r)))),
        );
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    /** Starts redis-server on the rendered text, overriding only host-specific settings. */
    async function start(conf: string, port: number, overrides: string[], login: { username?: string; password?: string }): Promise<Redis> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rendered-conf-"));
        dirs.push(dir);
        const file = path.join(dir, "node.conf");
        assert.match(conf, /^dir \/data$/m);
        fs.writeFileSync(file, conf.replace(/^dir \/data$/m, `dir ${dir}`), { mode: 0o600 });
        const proc = spawn(serverPath, [file, "--port", String(port), "--bind", HOST, "--logfile", path.join(dir, "log"), ...overrides], {
            stdio: "ignore",
        });
        procs.push(proc);
        const client = new Redis({ host: HOST, port, ...login, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
        client.on("error", () => undefined);
        clients.push(client);
        await pollUntil(
            `redis-server on ${port}`,
            5000,
            async () => {
                if (proc.exitCode !== null)
                    throw new Error(`redis-server exited: ${fs.readFileSync(path.join(dir, "log"), "utf8").slice(-500)}`);
                if (client.status !== "ready") await client.connect().catch(() => client.disconnect());
                return client.status === "ready";
            },
            LOCAL_POLL_MS,
        );
        return client;
    }

    /** A client without a password. RESP2 and no ready check: ioredis would otherwise send HELLO and INFO first. */
    async function anonymous(port: number): Promise<Redis> {
        const client = new Redis({ host: HOST, port, lazyConnect: true, retryStrategy: () => null, protocol: 2, enableReadyCheck: false });
        clients.push(client);
        await client.connect();
        return client;
    }

    const info = async (client: Redis) =>
        Object.fromEntries(
            (await client.info("replication"))
                .split("\r\n")
                .filter((l) => l.includes(":"))
                .map((l) => l.split(":") as [string, string]),
        );

    it("runs the master's config: auth required, protected mode on, AOF on, no sync delay", async () => {
        // The group's own tools log in as admin: the application user may not read the config.
        const master = await start(renderRedisConf(plan.master, plan, SECRETS, { users: USERS }), PORTS.master, [], {
            username: "admin",
            password: CREDS.admin,
        });
        const config = Object.fromEntries(
            ((await master.call("CONFIG", "GET", "*")) as string[]).reduce<[string, string][]>(
                (pairs, v, i, all) => (i % 2 === 0 ? [...pairs, [v, all[i + 1]!]] : pairs),
                [],
            ),
        );
        assert.strictEqual(config["protected-mode"], "yes");
        assert.strictEqual(config["appendonly"], "yes");
        assert.strictEqual(config["repl-diskless-sync-delay"], "0");
        assert.strictEqual(config["maxmemory-policy"], "noeviction");
        await assert.rejects((await anonymous(PORTS.master)).get("k"), /NOAUTH/);
    });

    it("lets the image's healthcheck PING as the healthcheck user, and nothing more", async () => {
        // The image's HEALTHCHECK command, pointed at this host's port.
        const [, binary, ...flags] = HEALTHCHECK_TEST.slice(0, -1);
        const cli = (args: string[]) =>
            execFileSync(binary!, ["-h", HOST, "-p", String(PORTS.master), ...flags, ...args], {
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            });
        assert.strictEqual(cli(["ping"]).trim(), "PONG");
        assert.throws(() => cli(["get", "k"]), /NOPERM/);
    });

    it("gives each user only its job: the application user gets NOPERM on admin commands and FLUSHALL, replication and sentinel only theirs", async () => {
        const as = (username: string, password: string, ...command: string[]) => outcomeAs(PORTS.master, { username, password }, command);
        const matrix: [string, string, string[], string][] = [
            ["default", PASSWORD, ["SET", "acl:k", "v"], "ok"],
            ["default", PASSWORD, ["INFO", "replication"], "ok"],
            ["default", PASSWORD, ["ROLE"], "ok"],
            ["default", PASSWORD, ["WAIT", "0", "10"], "ok"],
            ["default", PASSWORD, ["CONFIG", "GET", "masterauth"], "NOPERM"],
            ["default", PASSWORD, ["FLUSHALL"], "NOPERM"],
            ["default", PASSWORD, ["FLUSHDB"], "NOPERM"],
            ["default", PASSWORD, ["REPLICAOF", "127.0.0.1", "1"], "NOPERM"],
            ["default", PASSWORD, ["CONFIG", "SET", "maxmemory", "1mb"], "NOPERM"],
            ["default", PASSWORD, ["ACL", "SETUSER", "x"], "NOPERM"],
            ["default", PASSWORD, ["SHUTDOWN"], "NOPERM"],
            ["admin", CREDS.admin, ["CONFIG", "GET", "maxmemory"], "ok"],
            ["admin", CREDS.admin, ["ACL", "LIST"], "ok"],
            ["replication", CREDS.replication, ["PING"], "ok"],
            ["replication", CREDS.replication, ["GET", "acl:k"], "NOPERM"],
            ["replication", CREDS.replication, ["CONFIG", "GET", "*"], "NOPERM"],
            ["sentinel", CREDS.sentinel, ["INFO"], "ok"],
            ["sentinel", CREDS.sentinel, ["ROLE"], "ok"],
            ["sentinel", CREDS.sentinel, ["GET", "acl:k"], "NOPERM"],
            ["sentinel", CREDS.sentinel, ["FLUSHALL"], "NOPERM"],
            ["healthcheck", "healthcheck", ["GET", "acl:k"], "NOPERM"],
            ["reporting", READER, ["GET", "report:x"], "ok"],
            ["reporting", READER, ["GET", "acl:k"], "NOPERM"],
            ["reporting", READER, ["SET", "report:x", "v"], "NOPERM"],
            ["admin", PASSWORD, ["PING"], "WRONGPASS"],
        ];
        const seen: string[] = [];
        for (const [user, password, command] of matrix) seen.push(await as(user, password, ...command));
        assert.deepStrictEqual(
            matrix.map(([user, , command], i) => `${user} ${command[0]}: ${seen[i]}`),
            matrix.map(([user, , command, expected]) => `${user} ${command[0]}: ${expected}`),
        );
    });

    it("runs the replica's config: linked as the replication user, read-only", async () => {
        const replica = await start(
            renderRedisConf(plan.replicas[0]!, plan, SECRETS),
            PORTS.replica,
            ["--replicaof", HOST, String(PORTS.master)],
            { password: PASSWORD },
        );
        await pollUntil("the replica's link", 10_000, async () => (await info(replica))["master_link_status"] === "up", 20);
        await assert.rejects(replica.set("k", "v"), /READONLY/);
    });

    it("runs a sentinel's config: password required, the master monitored with the rendered settings", async () => {
        const sentinelNode = plan.sentinel!.nodes[0]!;
        const sentinel = await start(renderSentinelConf(sentinelNode, plan, SECRETS), PORTS.sentinel, ["--sentinel"], {
            password: PASSWORD,
        });
        const fields = (await sentinel.call("SENTINEL", "MASTER", "rendered")) as string[];
        const master = Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])));
        assert.strictEqual(master["ip"], "127.0.0.2");
        assert.strictEqual(master["port"], "6379");
        assert.strictEqual(master["quorum"], "2");
        assert.strictEqual(master["down-after-milliseconds"], "1500");
        assert.strictEqual(master["failover-timeout"], "10000");
        await assert.rejects((await anonymous(PORTS.sentinel)).call("SENTINEL", "MASTERS"), /NOAUTH/);
    });
});

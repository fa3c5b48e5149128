// TLS as the component renders it, on real Redis 7.0 from Debian (built with TLS), with
// certificates this test makes for itself: a master and a replica linked over TLS as the
// replication user, plaintext and certificate-less clients refused, and the replication check,
// serialized as the engine runs it, passing over TLS as admin.
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Redis } from "ioredis";
import { ReplicationCheckOutputs, replicationCheckProvider } from "../../components/replicationCheck";
import { renderRedisConf, TLS_FILES } from "../../components/redisConf";
import { parseGroupConfig } from "../../config";
import { loadSerializedProvider, serializeProvider } from "../../harness/loadSerialized";
import { pollUntil } from "../../harness/poll";
import { outcomeAs } from "../../harness/redisClient";
import { TestCa } from "../../harness/tlsCerts";
import { LOCAL_POLL_MS, requireRedisServer } from "../support/redisProcesses";

const HOST = "127.0.0.1";
const PASSWORD = "tls-Rendered-Passw0rd";
const CREDS = { admin: "admin-Tls-Pa55", replication: "repl-Tls-Pa55", sentinel: "sentinel-Tls-Pa55" };
const PORTS = { master: 17270, replica: 17271 };

describe("TLS configs on real Redis", function () {
    this.timeout(60_000);
    const ca = new TestCa();
    const node = ca.issue({ commonName: "redis-node", ips: [HOST] });
    const tls = { ca: ca.cert, cert: node.cert, key: node.key };
    const plan = parseGroupConfig({
        name: "tlsr",
        network: { subnet: "127.0.0.0/8", gateway: "127.0.0.254" },
        master: { ip: "127.0.0.2", hostPort: 6380 },
        replicas: 1,
        tls: { ...tls, authClients: true },
    });
    const admin = { username: "admin", password: CREDS.admin };
    let serverPath = "";
    const procs: ChildProcess[] = [];
    const dirs: string[] = [];

    before(function () {
        serverPath = requireRedisServer(this);
    });
    after(async () => {
        for (const p of procs) p.kill("SIGKILL");
        await Promise.all(
            procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? undefined : new Promise((r) => p.once("exit", r)))),
        );
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    /** A client as admin over TLS, with the nodes' own certificate: how the group's tools connect. */
    const tlsClient = (port: number) =>
        new Redis({ host: HOST, port, ...admin, tls: { ...tls }, lazyConnect: true, retryStrategy: () => null, protocol: 2 });

    /** redis-server on the rendered text; /data and the TLS files moved to a temp dir, the TLS port set on the command line. */
    async function start(conf: string, port: number, overrides: string[]): Promise<void> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-conf-"));
        dirs.push(dir);
        let text = conf.replace(/^dir \/data$/m, `dir ${dir}`);
        for (const [part, file] of Object.entries(TLS_FILES)) {
            const local = path.join(dir, path.basename(file));
            fs.writeFileSync(local, tls[part as keyof typeof tls], { mode: 0o600 });
            text = text.split(file).join(local);
        }
        fs.writeFileSync(path.join(dir, "node.conf"), text, { mode: 0o600 });
        const args = [
            path.join(dir, "node.conf"),
            "--tls-port",
            String(port),
            "--bind",
            HOST,
            "--logfile",
            path.join(dir, "log"),
            ...overrides,
        ];
        const proc = spawn(serverPath, args, { stdio: "ignore" });
        procs.push(proc);
        await pollUntil(
            `redis-server on ${port} over TLS`,
            5000,
            async () => {
                if (proc.exitCode !== null)
                    throw new Error(`redis-server exited: ${fs.readFileSync(path.join(dir, "log"), "utf8").slice(-500)}`);
                const c = tlsClient(port);
                c.on("error", () => undefined);
                try {
                    await c.connect();
                    return (await c.ping()) === "PONG";
                } catch {
                    return false;
                } finally {
                    c.disconnect();
                }
            },
            LOCAL_POLL_MS,
        );
    }

    it("renders TLS on the node's port, no plaintext port, client certificates required, replication over TLS", () => {
        const conf = renderRedisConf(plan.master, plan, { password: PASSWORD, creds: CREDS });
        for (const line of ["port 0", "tls-port 6379", "tls-auth-clients yes", "tls-replication yes", `tls-ca-cert-file ${TLS_FILES.ca}`]) {
            assert.match(conf, new RegExp(`^${line.replace(/[.*+?]/g, "\\$&")}$`, "m"), line);
        }
    });

    it("links a replica to its master over TLS, as the replication user", async () => {
        await start(renderRedisConf(plan.master, plan, { password: PASSWORD, creds: CREDS }), PORTS.master, []);
        await start(renderRedisConf(plan.replicas[0]!, plan, { password: PASSWORD, creds: CREDS }), PORTS.replica, [
            "--replicaof",
            HOST,
            String(PORTS.master),
        ]);
        const c = tlsClient(PORTS.replica);
        try {
            await c.connect();
            await pollUntil(
                "the replica's link over TLS",
                10_000,
                async () => /master_link_status:up/.test(await c.info("replication")),
                20,
            );
        } finally {
            c.disconnect();
        }
    });

    it("refuses a plaintext client, and a TLS client without a certificate", async () => {
        const plain = await outcomeAs(PORTS.master, { password: PASSWORD });
        assert.notStrictEqual(plain, "ok", "a plaintext client got in");
        const noCert = new Redis({
            host: HOST,
            port: PORTS.master,
            password: PASSWORD,
            tls: { ca: ca.cert },
            lazyConnect: true,
            retryStrategy: () => null,
        });
        let refused: Error | undefined;
        noCert.on("error", (err: Error) => (refused ??= err));
        await assert.rejects(noCert.connect().then(() => noCert.ping()));
        noCert.disconnect();
        assert.ok(refused, "no TLS error was seen");
    });

    it("with replication off: the replica follows the master's plaintext port in plaintext; clients still use TLS", async () => {
        const plain = parseGroupConfig({
            name: "tlsp",
            network: { subnet: "127.0.0.0/8", gateway: "127.0.0.254" },
            master: { ip: "127.0.0.2", hostPort: 6380 },
            replicas: 1,
            tls: { ...tls, replication: false },
        });
        const p = { master: 17272, masterPlain: 17273, replica: 17274, replicaPlain: 17275 };
        await start(renderRedisConf(plain.master, plain, { password: PASSWORD, creds: CREDS }), p.master, [
            "--port",
            String(p.masterPlain),
        ]);
        await start(renderRedisConf(plain.replicas[0]!, plain, { password: PASSWORD, creds: CREDS }), p.replica, [
            "--port",
            String(p.replicaPlain),
            "--replicaof",
            HOST,
            String(p.masterPlain),
        ]);
        const c = tlsClient(p.master);
        try {
            await c.connect();
            await pollUntil(
                "the replica's plaintext link",
                10_000,
                async () => (await c.info("replication")).includes(`port=${p.replicaPlain},state=online`),
                20,
            );
        } finally {
            c.disconnect();
        }
    });

    it("passes the replication check over TLS as admin, serialized as the engine runs it", async () => {
        const sf = await serializeProvider(replicationCheckProvider);
        assert.ok(!sf.text.includes("BEGIN RSA PRIVATE KEY") && !sf.text.includes("PRIVATE KEY"), "the provider text holds no key");
        const loaded = await loadSerializedProvider(sf.text);
        const { outs } = await loaded.create({
            masterContainer: "tlsr-master",
            masterEndpoint: `${HOST}:${PORTS.master}`,
            masterIp: HOST,
            masterPort: PORTS.master,
            replicas: [{ name: "tlsr-replica-1", endpoint: `${HOST}:${PORTS.replica}`, ip: HOST, port: PORTS.replica }],
            expectedReplicas: 1,
            ...admin,
            tls,
            timeoutMs: 10_000,
            containerIds: ["c1", "c2"],
        });
        const result = outs as ReplicationCheckOutputs;
        assert.deepStrictEqual(
            result.replicaStatus.map((r) => r.linkStatus),
            ["up"],
        );
        assert.strictEqual((result as unknown as Record<string, unknown>).tls, undefined, "the TLS key is not in the check's state");
    });
});

// Least privilege and encryption on the real engine. A 1+2 group with three sentinels: each ACL
// user able to do exactly its job (user × command), disabledCommands and a configured user changed
// on the running nodes with no container replaced, the check passing while the application user
// may not even run INFO (so it logs in as admin), and a failover carried out by sentinels that log
// in to the nodes as the sentinel user. A TLS group (1+2 with Sentinel, client certificates
// required): the check passes over TLS, plaintext and certificate-less clients are refused, and a
// failover works over TLS. The certificates are made by the test; none is committed.
import { strict as assert } from "assert";
import { connect as tlsConnect } from "tls";
import { ADMIN_USER } from "../../components/acl";
import type { SentinelClientRecipe } from "../../components/outputs";
import { dockerClient } from "../../harness/docker";
import { pollUntil } from "../../harness/poll";
import { promiseOf } from "../../harness/pulumi";
import type { UpResult } from "../../harness/groupStack";
import { LinkReport, LinkWatcher } from "../../harness/linkWatcher";
import { outcomeAs, withClient } from "../../harness/redisClient";
import { AckedWriter } from "../../harness/writer";
import { TestCa } from "../../harness/tlsCerts";
import { changed, isContainer, missing, opsOf, PASSWORD, scenario, ScenarioFamily, writeAcknowledged } from "../support/updateScenario";

const SECURITY: ScenarioFamily = { prefix: "sec", portBase: 7900, subnetOctet: 99 };

/** The common name of the certificate a TLS port on 127.0.0.1 serves, to a client presenting `client`. */
function servedCertificate(port: number, client: { ca: string; cert: string; key: string }): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = tlsConnect({ host: "127.0.0.1", port, ...client }, () => {
            const cn = socket.getPeerCertificate().subject.CN;
            socket.end();
            resolve(String(cn));
        });
        socket.on("error", reject);
    });
}
const HOST = "127.0.0.1";

/** A file of a container, as text. */
async function fileOf(container: string, file: string): Promise<string> {
    const archive = (await dockerClient().getContainer(container).getArchive({ path: file })) as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
}

describe("security 1: ACL users on the engine, with sentinels", function () {
    this.timeout(300_000);
    const s = scenario(1, SECURITY);
    const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
    const READER = "reader-Security-Passw0rd";
    const reporting = { name: "reporting", password: READER, rules: "~report:* +@read" };
    const args = (disabledCommands?: string[], users?: (typeof reporting)[]) => s.args({ sentinel: {}, disabledCommands, users });
    let keys: string[] = [];
    let recipe: SentinelClientRecipe;
    const passwords = { replication: "", sentinel: "" };

    before(async function () {
        keys = await s.deployWithKeys(this, { sentinel: {} });
        const first = await s.up(args());
        recipe = (await promiseOf(first.group.sentinelClient))!;
        // The replication and sentinel users' passwords are the group's alone; read them where they live.
        passwords.replication = /^masterauth (\S+)$/m.exec(await fileOf("rr-sec-1-replica-1", "/usr/local/etc/redis/redis.conf"))![1]!;
        passwords.sentinel = /^sentinel auth-pass \S+ (\S+)$/m.exec(await fileOf("rr-sec-1-sentinel-1", "/data/sentinel.conf"))![1]!;
    });
    after(async () => s.destroy());

    it("lets each user do exactly its job, on every data node (user × command → allowed or NOPERM)", async () => {
        const matrix: [string, string, string[], string][] = [
            ["default", PASSWORD, ["SET", "sec:k", "v"], "ok"],
            ["default", PASSWORD, ["ROLE"], "ok"],
            ["default", PASSWORD, ["FLUSHALL"], "NOPERM"],
            ["default", PASSWORD, ["FLUSHDB"], "NOPERM"],
            ["default", PASSWORD, ["REPLICAOF", "NO", "ONE"], "NOPERM"],
            ["default", PASSWORD, ["CONFIG", "GET", "masterauth"], "NOPERM"],
            ["default", PASSWORD, ["SHUTDOWN"], "NOPERM"],
            ["admin", s.admin, ["CONFIG", "GET", "maxmemory"], "ok"],
            ["admin", s.admin, ["ACL", "WHOAMI"], "ok"],
            ["replication", passwords.replication, ["PING"], "ok"],
            ["replication", passwords.replication, ["GET", "sec:k"], "NOPERM"],
            ["sentinel", passwords.sentinel, ["INFO", "replication"], "ok"],
            ["sentinel", passwords.sentinel, ["GET", "sec:k"], "NOPERM"],
            ["sentinel", passwords.sentinel, ["FLUSHALL"], "NOPERM"],
            ["healthcheck", "any", ["PING"], "ok"],
            ["healthcheck", "any", ["GET", "sec:k"], "NOPERM"],
        ];
        const rows = (f: (row: (typeof matrix)[number], port: number) => Promise<string> | string) =>
            Promise.all(ports.flatMap((port) => matrix.map(async (row) => `${port} ${row[0]} ${row[2][0]}: ${await f(row, port)}`)));
        // SET is a write: the replicas answer READONLY, which is theirs to answer, not the ACL's.
        const expected = await rows(([, , command, result], port) => (port !== s.masterPort && command[0] === "SET" ? "READONLY" : result));
        assert.deepStrictEqual(
            await rows(([user, password, command], port) => outcomeAs(port, { username: user, password }, command)),
            expected,
        );
    });

    it("changes disabledCommands and adds a user on the running nodes, with no container replaced; the check still passes, as admin", async () => {
        const result = await s.up(args(["FLUSHALL", "FLUSHDB", "INFO", "KEYS"], [reporting]));
        assert.deepStrictEqual(
            opsOf(result.steps, (x) => isContainer(x) && x.op !== "same"),
            [],
        );
        assert.deepStrictEqual(changed(result.steps), ["update sec1-live-config", "update sec1-check"]);
        for (const port of ports) {
            assert.strictEqual(await outcomeAs(port, { password: PASSWORD }, ["INFO"]), "NOPERM", `${port}: INFO`);
            assert.strictEqual(await outcomeAs(port, { password: PASSWORD }, ["KEYS", "*"]), "NOPERM", `${port}: KEYS`);
            const asReporting = (command: string[]) => outcomeAs(port, { username: "reporting", password: READER }, command);
            assert.deepStrictEqual(
                [await asReporting(["GET", "report:1"]), await asReporting(["GET", "sec:k"])],
                ["ok", "NOPERM"],
                `${port}`,
            );
        }
        // The check reads INFO on every node: it could not pass as the application user.
        assert.deepStrictEqual(
            result.replication.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );
        const back = await s.up(args([]));
        assert.deepStrictEqual(
            opsOf(back.steps, (x) => isContainer(x) && x.op !== "same"),
            [],
        );
        assert.strictEqual(await outcomeAs(s.masterPort, { password: PASSWORD }, ["INFO"]), "ok");
        assert.strictEqual(
            await outcomeAs(s.masterPort, { password: PASSWORD }, ["REPLICAOF", "NO", "ONE"]),
            "NOPERM",
            "admin commands stay off",
        );
        for (const port of ports) {
            assert.strictEqual(
                await outcomeAs(port, { username: "reporting", password: READER }),
                "WRONGPASS",
                `${port}: the user is gone`,
            );
        }
    });

    it("fails over with the sentinels logging in to the nodes as the sentinel user; no acknowledged key is lost", async () => {
        const reported = (port: number) =>
            withClient(port, PASSWORD, async (c) =>
                ((await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", recipe.name)) as string[]).join(":"),
            );
        const before = await reported(recipe.sentinels[0]!.port);
        await withClient(recipe.sentinels[0]!.port, PASSWORD, (c) => c.call("SENTINEL", "FAILOVER", recipe.name));
        const after = await pollUntil("a replica promoted by the sentinels", 30_000, async () => {
            const now = await reported(recipe.sentinels[1]!.port);
            return now !== before ? now : false;
        });
        const promoted = recipe.natMap[after]!.port;
        await pollUntil("every node following the new master", 30_000, async () => {
            const roles = await Promise.all(
                ports.map((p) => withClient(p, s.admin, async (c) => ((await c.call("ROLE")) as string[])[0], { username: ADMIN_USER })),
            );
            return roles.filter((r) => r === "master").length === 1 && roles[ports.indexOf(promoted)] === "master";
        });
        const more = await writeAcknowledged(promoted, "after-failover", 100);
        assert.deepStrictEqual(await missing(ports, [...keys, ...more]), Object.fromEntries(ports.map((p) => [p, 0])));
        // verify "always": the check runs though nothing else changed, and finds the sentinels' master.
        const next = await s.up(s.args({ sentinel: {}, disabledCommands: [], verify: "always" }));
        assert.strictEqual(next.replication.masterEndpoint, `${HOST}:${promoted}`, "the check follows the sentinels' master");
    });
});

describe("security 2: a TLS group (1+2 with Sentinel) on the engine", function () {
    this.timeout(300_000);
    const s = scenario(2, SECURITY);
    const ports = [s.masterPort, s.masterPort + 1, s.masterPort + 2];
    const ca = new TestCa();
    // Replicas and sentinels check the chain, not the name; clients on the host connect to 127.0.0.1.
    const node = ca.issue({ commonName: "rr-sec-2", ips: [HOST] });
    const tls = { ca: ca.cert, cert: node.cert, key: node.key };
    /** The nodes' certificate as the group is given it: a rotation changes it. */
    let current = node;
    const args = (over: Record<string, unknown> = {}) =>
        s.args({ sentinel: {}, tls: { ca: ca.cert, ...current, authClients: true }, ...over });
    /** ioredis options of a TLS client presenting a certificate the CA signed. */
    const overTls = { tls: { ...tls } };
    let recipe: SentinelClientRecipe;

    before(async function () {
        await s.start(this);
        const first = await s.up(args());
        recipe = (await promiseOf(first.group.sentinelClient))!;
        assert.deepStrictEqual(
            first.replication.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );
        assert.ok(first.replication.sentinels!.every((x) => x.numSlaves === 2 && x.numOtherSentinels === 2));
        assert.match(await promiseOf(first.group.masterUrl), /^rediss:\/\/default:/);
    });
    after(async () => s.destroy());

    it("takes clients over TLS with a certificate the CA signed; refuses plaintext clients, and TLS clients without one", async () => {
        await withClient(s.masterPort, PASSWORD, (c) => c.set("tls:k", "v"), overTls);
        for (const port of ports) {
            assert.strictEqual(await withClient(port, PASSWORD, (c) => c.get("tls:k"), overTls), "v", `${port} over TLS`);
            assert.notStrictEqual(await outcomeAs(port, { password: PASSWORD }), "ok", `${port} took a plaintext client`);
            const noCert = await withClient(port, PASSWORD, (c) => c.ping(), { tls: { ca: ca.cert } }).catch((err: Error) => err.message);
            assert.notStrictEqual(noCert, "PONG", `${port} took a TLS client without a certificate`);
        }
        for (const sentinel of recipe.sentinels) {
            const quorum = await withClient(
                sentinel.port,
                PASSWORD,
                async (c) => String(await c.call("SENTINEL", "CKQUORUM", recipe.name)),
                overTls,
            );
            assert.match(quorum, /^OK 3 usable Sentinels/, `sentinel ${sentinel.port} over TLS`);
        }
        assert.deepStrictEqual(
            [recipe.enableTLSForSentinelMode, recipe.tls?.ca],
            [true, ca.cert],
            "sentinelClient carries the TLS options",
        );
    });

    it("rotates the certificate live: no container replaced, no command failed, no link dropped; sentinels restarted one at a time", async () => {
        const containers = ["master", "replica-1", "replica-2", "sentinel-1", "sentinel-2", "sentinel-3"].map((n) => `rr-sec-2-${n}`);
        const before = await Promise.all(containers.map((n) => dockerClient().getContainer(n).inspect()));
        const rotated = ca.issue({ commonName: "rr-sec-2-rotated", ips: [HOST] });
        const writer = await AckedWriter.start(recipe, PASSWORD, node);
        const watcher = await LinkWatcher.start(s.masterPort, ports.slice(1), s.admin, { username: ADMIN_USER, ...overTls });
        current = rotated;
        let result: UpResult;
        let links: LinkReport;
        try {
            result = await s.up(args());
        } finally {
            await writer.stop();
            links = await watcher.stop();
        }
        assert.deepStrictEqual(
            opsOf(result.steps, (x) => isContainer(x) && x.op !== "same"),
            [],
            "no container replaced",
        );
        assert.deepStrictEqual(writer.errors, {}, "no failed command");
        assert.deepStrictEqual([links.drops, links.fullSyncs, links.partialSyncs], [0, 0, 0], "no link dropped or resynced");
        for (const port of [...ports, ...recipe.sentinels.map((x) => x.port)]) {
            assert.strictEqual(
                await servedCertificate(port, { ca: ca.cert, ...rotated }),
                "rr-sec-2-rotated",
                `${port} serves the new certificate`,
            );
        }
        const after = await Promise.all(containers.map((n) => dockerClient().getContainer(n).inspect()));
        assert.deepStrictEqual(
            after.map((c) => c.Id),
            before.map((c) => c.Id),
        );
        const restarted = after.map((c, i) => c.State.StartedAt !== before[i]!.State.StartedAt);
        assert.deepStrictEqual(restarted, [false, false, false, true, true, true], "only the sentinels restarted");
        const startedAt = after.slice(3).map((c) => Date.parse(c.State.StartedAt));
        assert.ok(startedAt[0]! < startedAt[1]! && startedAt[1]! < startedAt[2]!, "the sentinels restarted one after another");
        console.log(`      certificate rotation: ${result.ms} ms; writer ${writer.acked.length} acknowledged, ${writer.failed} failed`);
    });

    it("fails over over TLS, and the next check names the new master", async () => {
        const sentinelPort = recipe.sentinels[0]!.port;
        const reported = () =>
            withClient(
                sentinelPort,
                PASSWORD,
                async (c) => ((await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", recipe.name)) as string[]).join(":"),
                overTls,
            );
        const before = await reported();
        await withClient(sentinelPort, PASSWORD, (c) => c.call("SENTINEL", "FAILOVER", recipe.name), overTls);
        const after = await pollUntil("a replica promoted over TLS", 30_000, async () => {
            const now = await reported();
            return now !== before ? now : false;
        });
        const promoted = recipe.natMap[after]!.port;
        const next = await s.up(args({ verify: "always" }));
        assert.strictEqual(next.replication.masterEndpoint, `${HOST}:${promoted}`);
        assert.deepStrictEqual(
            next.replication.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );
    });
});

describe("security 3: TLS for clients, replication in plaintext on the group's network", function () {
    this.timeout(300_000);
    const s = scenario(3, SECURITY);
    const ca = new TestCa();
    const node = ca.issue({ commonName: "rr-sec-3", ips: [HOST] });
    const overTls = { tls: { ca: ca.cert, ...node } };

    before(async function () {
        await s.start(this);
    });
    after(async () => s.destroy());

    it("deploys and passes the check with replicas following the master's plaintext port; clients on the host use TLS", async () => {
        const result = await s.up(s.args({ tls: { ca: ca.cert, ...node, replication: false } }));
        assert.deepStrictEqual(
            result.replication.replicas.map((r) => r.linkStatus),
            ["up", "up"],
        );
        const info = await withClient(s.masterPort + 1, PASSWORD, (c) => c.info("replication"), overTls);
        assert.match(info, /^master_port:6380\r?$/m, "the replica follows the plaintext port");
        assert.notStrictEqual(await outcomeAs(s.masterPort, { password: PASSWORD }), "ok", "the published port takes plaintext");
    });
});

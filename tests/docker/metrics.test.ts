// Metrics on the real engine, read by a real Prometheus (Debian's, on 127.0.0.1) from the
// component's own file_sd and rules: every node and sentinel scraped, an alert on a paused
// replica that clears after, roles that follow a Sentinel failover, TLS with client
// certificates, and bad input found before anything exists.
import { strict as assert } from "assert";
import * as net from "net";
import type { MetricsOutput } from "../../components/metrics";
import { dockerClient } from "../../harness/docker";
import { ensureExporterImage } from "../../harness/image";
import { listLeftovers } from "../../harness/liveDocker";
import { pollUntil } from "../../harness/poll";
import { Prometheus } from "../../harness/prometheus";
import { promiseOf } from "../../harness/pulumi";
import { withClient } from "../../harness/redisClient";
import { TestCa } from "../../harness/tlsCerts";
import { failureOf, scenario, ScenarioFamily } from "../support/updateScenario";

const MT: ScenarioFamily = { prefix: "mt", portBase: 8200, subnetOctet: 91 };

/** Prometheus is a dependency of this tier: missing in CI is a failure, elsewhere a skip. */
function requirePrometheus(ctx: Mocha.Context): void {
    const why = Prometheus.missing();
    if (why === undefined) return;
    if (process.env.CI === "true") throw new Error(why);
    ctx.skip();
}

/** Each sample's value by its node label. */
async function byNode(prom: Prometheus, expr: string): Promise<Record<string, number>> {
    return Object.fromEntries((await prom.query(expr)).map((s) => [s.metric.node!, s.value]));
}

describe("metrics 1-3: a 1+2 group with 3 sentinels under a real Prometheus", function () {
    this.timeout(300_000);
    const s = scenario(1, MT);
    const group = "rr-mt-1";
    let prom: Prometheus | undefined;
    let metrics: MetricsOutput;
    before(async function () {
        requirePrometheus(this);
        await s.start(this);
        const image = await ensureExporterImage();
        const { group: g } = await s.up(s.args({ sentinel: {}, metrics: { image, hostPort: s.masterPort + 9 } }));
        metrics = (await promiseOf(g.metrics))!;
        prom = await Prometheus.start(metrics.fileSd, metrics.rules);
    });
    after(async () => {
        await prom?.stop();
        await s.destroy();
        assert.deepStrictEqual(await listLeftovers("mt-1"), [], "teardown left an exporter or a node behind");
    });

    it("scrapes every node and sentinel: redis_up 1, 2 replicas on the master, links up, sentinels with quorum", async () => {
        assert.deepStrictEqual(
            metrics.targets.map((t) => t.labels.node),
            ["master", "replica-1", "replica-2", "sentinel-1", "sentinel-2", "sentinel-3"],
        );
        const up = await pollUntil("redis_up 1 on 6 targets", 60_000, async () => {
            const u = await byNode(prom!, `redis_up{group="${group}"}`);
            return Object.keys(u).length === 6 && Object.values(u).every((v) => v === 1) && u;
        });
        assert.strictEqual(Object.keys(up).length, 6);
        const masters = await byNode(
            prom!,
            `redis_connected_slaves{group="${group}"} and on (group, node) redis_instance_info{role="master"}`,
        );
        assert.deepStrictEqual(masters, { master: 2 });
        assert.deepStrictEqual(await byNode(prom!, `redis_master_link_up{group="${group}"}`), { "replica-1": 1, "replica-2": 1 });
        assert.deepStrictEqual(await byNode(prom!, `redis_sentinel_masters{group="${group}"}`), {
            "sentinel-1": 1,
            "sentinel-2": 1,
            "sentinel-3": 1,
        });
        assert.deepStrictEqual(await byNode(prom!, `redis_sentinel_master_ckquorum_status{group="${group}"}`), {
            "sentinel-1": 1,
            "sentinel-2": 1,
            "sentinel-3": 1,
        });
        // Before its first scrapes a fresh Prometheus sees no master (RedisNoMaster pending); the next evaluations clear it.
        await pollUntil("no alert on a healthy group", 30_000, async () => (await prom!.alerts()).length === 0);
    });

    it("docker pause of a replica: RedisNodeDown goes pending, then firing, and clears after unpause", async () => {
        const replica = dockerClient().getContainer(`${group}-replica-2`);
        await replica.pause();
        try {
            const nodeDown = async (state: string) =>
                (await prom!.alerts()).find(
                    (a) => a.labels.alertname === "RedisNodeDown" && a.labels.node === "replica-2" && a.state === state,
                );
            await pollUntil("RedisNodeDown pending", 30_000, () => nodeDown("pending"));
            const firing = await pollUntil("RedisNodeDown firing", 120_000, () => nodeDown("firing"));
            assert.strictEqual(firing!.labels.group, group);
            assert.strictEqual(firing!.labels.severity, "warning");
        } finally {
            await replica.unpause();
        }
        await pollUntil("the alert cleared", 60_000, async () => !(await prom!.alerts()).some((a) => a.labels.node === "replica-2"));
    });

    it("a Sentinel failover: the role labels follow the new master, and RedisNoMaster never fires", async () => {
        await withClient(s.masterPort + 20000, s.admin, (c) => c.call("SENTINEL", "FAILOVER", group), { username: "admin" });
        let noMasterFired = false;
        const newMaster = await pollUntil("another node reported master by its exporter", 60_000, async () => {
            noMasterFired ||= (await prom!.alerts()).some((a) => a.labels.alertname === "RedisNoMaster" && a.state === "firing");
            const roles = await prom!.query(`redis_instance_info{group="${group}",role="master"}`);
            return roles.length === 1 && roles[0]!.metric.node !== "master" && roles[0]!.metric.node;
        });
        assert.match(newMaster, /^replica-\d$/);
        // A few evaluations more: the old master shows as a replica, and nothing fired meanwhile.
        await pollUntil("the old master a replica", 30_000, async () => {
            noMasterFired ||= (await prom!.alerts()).some((a) => a.labels.alertname === "RedisNoMaster" && a.state === "firing");
            return (await prom!.query(`redis_instance_info{group="${group}",node="master",role="slave"}`)).length === 1;
        });
        assert.strictEqual(noMasterFired, false, "RedisNoMaster fired during a failover");
    });
});

describe("metrics 4: a TLS group with client certificates required is scraped over TLS", function () {
    this.timeout(300_000);
    const s = scenario(4, MT);
    const ca = new TestCa();
    const node = ca.issue({ commonName: "rr-mt-4", ips: ["127.0.0.1"] });
    before(async function () {
        await s.start(this);
    });
    after(async () => s.destroy());

    it("every node answers the exporter: redis_up 1 through /scrape", async () => {
        const image = await ensureExporterImage();
        const { group } = await s.up(
            s.args({ tls: { ca: ca.cert, ...node, authClients: true }, metrics: { image, hostPort: s.masterPort + 9 } }),
        );
        const { targets } = (await promiseOf(group.metrics))!;
        assert.ok(targets.every((t) => t.uri.startsWith("rediss://")));
        for (const t of targets) {
            const text = await pollUntil(`${t.labels.node} scraped`, 30_000, async () => {
                const body = await (await fetch(`http://${t.target}/scrape?target=${encodeURIComponent(t.uri)}`)).text();
                return /^redis_up 1$/m.test(body) && body;
            });
            assert.match(text, /^redis_instance_info\{.*role="(master|slave)"/m);
        }
    });
});

describe("metrics 5: bad input fails before anything exists, naming the property", function () {
    this.timeout(300_000);
    const s = scenario(5, MT);
    before(async function () {
        await s.start(this);
    });
    after(async () => s.destroy());

    it("an exporter port another program listens on: metrics.hostPort, found by the preflight", async () => {
        const image = await ensureExporterImage();
        const server = net.createServer();
        await new Promise<void>((r) => server.listen(s.masterPort + 9, "127.0.0.1", r));
        try {
            const message = await failureOf(() => s.up(s.args({ metrics: { image, hostPort: s.masterPort + 9 } })));
            assert.match(message, new RegExp(`metrics\\.hostPort: port ${s.masterPort + 9} on 127\\.0\\.0\\.1 is already in use`));
        } finally {
            server.close();
        }
        assert.deepStrictEqual(await listLeftovers("mt-5"), []);
    });

    it("an image neither on the engine nor in a registry: metrics.image, found by the preflight", async () => {
        const message = await failureOf(() =>
            s.up(s.args({ metrics: { image: "redis-replication-test/no-such-exporter:0", hostPort: s.masterPort + 9 } })),
        );
        assert.match(message, /metrics\.image: "redis-replication-test\/no-such-exporter:0" is not on the Docker engine/);
        assert.deepStrictEqual(await listLeftovers("mt-5"), []);
    });

    it("an exporter port a node has, and an image name that is none: found by the config check", async () => {
        const message = await failureOf(() => s.up(s.args({ metrics: { image: "Not An Image", hostPort: s.masterPort + 1 } })));
        assert.match(message, /metrics\.image: "Not An Image" is not an image reference/);
        assert.match(message, new RegExp(`metrics\\.hostPort: ${s.masterPort + 1} is already used by replicas\\[0\\]\\.hostPort`));
        assert.deepStrictEqual(await listLeftovers("mt-5"), []);
    });
});

// Metrics before anything exists: the config's checks, the targets and file_sd the component
// hands Prometheus, the exporter's arguments, and the resource graph under mocks.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../../components";
import { parseGroupConfig } from "../../config";
import { fileSdOf, metricsTargets } from "../../components/metrics";
import { exporterArgs, exporterPasswords } from "../../components/metrics/render";
import { renderSentinelConf } from "../../components/redisConf";
import { promiseOf } from "../../harness/pulumi";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";
import { problemsOf } from "../support/configProblems";
import { recordingMocks, Registered, registeredAs, reveal } from "../support/mocks";
import { nameOf, recordRegistrations } from "../support/registrations";
import { PROJECT } from "../support/stackConfig";

const HOSTS = { a: { address: "10.231.0.11" }, b: { address: "10.231.0.12" }, c: { address: "10.231.0.13" } };

describe("metrics in the config", () => {
    it("is off without metrics; present means on, with the pinned image, port 9121 on hostIp and 16 MiB of lag", () => {
        assert.strictEqual(parseGroupConfig({}).metrics, undefined);
        assert.strictEqual(parseGroupConfig({ metrics: { enabled: false } }).metrics, undefined);
        assert.deepStrictEqual(parseGroupConfig({ metrics: {} }).metrics, {
            image: "oliver006/redis_exporter:v1.67.0",
            hostPort: 9121,
            hostIp: "127.0.0.1",
            lagBytes: 16 * 1024 * 1024,
            ip: "10.89.0.245",
        });
        assert.strictEqual(
            parseGroupConfig({ metrics: {}, backup: { every: "1h", keep: 1, dir: "/b" } }).metrics!.ip,
            "10.89.0.244",
            "beside the backup container",
        );
    });

    it("reports a bad image, a port a node has (on its host), and hostIp with hosts, all at once", () => {
        assert.deepStrictEqual(
            problemsOf({ ...ONE_MASTER_TWO_REPLICAS, metrics: { image: "Not An Image", hostPort: 6381, lagBytes: 0 } }),
            [
                'metrics.image: "Not An Image" is not an image reference such as oliver006/redis_exporter:v1.67.0',
                "metrics.lagBytes: 0 is out of range 1-9007199254740991",
                "metrics.hostPort: 6381 is already used by replicas[0].hostPort",
            ],
        );
        assert.deepStrictEqual(problemsOf({ hosts: HOSTS, metrics: { hostIp: "127.0.0.1", hostPort: 6381 } }), [
            "metrics.hostIp: is for one engine: with hosts, each exporter is published on its host's publishIp",
            'metrics.hostPort: 6381 on host "b" is already used by replicas[0].hostPort',
        ]);
        assert.deepStrictEqual(problemsOf({ users: [{ name: "metrics", password: "long-enough-1", rules: "+get" }] }).length, 1);
    });
});

describe("metrics targets", () => {
    it("one per node and sentinel on the group's network, through the exporter on hostIp, labelled group, node, host", () => {
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { count: 3 }, metrics: {} });
        const targets = metricsTargets(plan);
        assert.deepStrictEqual(
            targets.map((t) => [t.target, t.uri, t.labels.node]),
            [
                ["127.0.0.1:9121", "redis://10.89.0.2:6379", "master"],
                ["127.0.0.1:9121", "redis://10.89.0.3:6379", "replica-1"],
                ["127.0.0.1:9121", "redis://10.89.0.4:6379", "replica-2"],
                ["127.0.0.1:9121", "redis://10.89.0.254:26379", "sentinel-1"],
                ["127.0.0.1:9121", "redis://10.89.0.253:26379", "sentinel-2"],
                ["127.0.0.1:9121", "redis://10.89.0.252:26379", "sentinel-3"],
            ],
        );
        const sd = JSON.parse(fileSdOf(targets)) as { targets: string[]; labels: Record<string, string> }[];
        assert.deepStrictEqual(sd[1], {
            targets: ["127.0.0.1:9121"],
            labels: {
                __metrics_path__: "/scrape",
                __param_target: "redis://10.89.0.3:6379",
                instance: "redis-dev/replica-1",
                group: "redis-dev",
                node: "replica-1",
                host: "",
            },
        });
        assert.ok(!("role" in sd[0]!.labels), "roles come from the exporter, not from the plan");
        assert.deepStrictEqual(JSON.parse(exporterPasswords(targets, "pw")), Object.fromEntries(targets.map((t) => [t.uri, "pw"])));
    });

    it("with hosts, each node through its host's exporter at the host's address; with TLS, rediss and the client certificate", () => {
        const plan = parseGroupConfig({ hosts: HOSTS, metrics: {} });
        assert.deepStrictEqual(
            metricsTargets(plan).map((t) => [t.target, t.uri, t.labels.host]),
            [
                ["10.231.0.11:9121", "redis://10.231.0.11:6380", "a"],
                ["10.231.0.12:9121", "redis://10.231.0.12:6381", "b"],
                ["10.231.0.13:9121", "redis://10.231.0.13:6382", "c"],
            ],
        );
        assert.deepStrictEqual(exporterArgs(plan), [
            "-redis.addr=",
            "-redis.user=metrics",
            "-redis.password-file=/redis-exporter-passwords.json",
            "-web.listen-address=:9121",
        ]);
    });

    it("gives sentinels the metrics user only through their boot users, so turning metrics on replaces no sentinel", () => {
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: {}, metrics: {} });
        const secrets = {
            password: "unit-test-Passw0rd",
            creds: { admin: "a".repeat(20), replication: "r".repeat(20), sentinel: "s".repeat(20) },
        };
        const conf = renderSentinelConf(plan.sentinel!.nodes[0]!, plan, secrets, undefined, { metrics: "on #abc -@all +info" });
        assert.match(conf, /^user metrics on #abc -@all \+info$/m);
        assert.doesNotMatch(renderSentinelConf(plan.sentinel!.nodes[0]!, plan, secrets), /^user metrics/m);
    });
});

describe("RedisReplicationGroup with metrics (mocks)", function () {
    const registered: Registered[] = [];
    const registrations = recordRegistrations();
    const name = "mtu";
    let group: Components.RedisReplicationGroup;
    const one = (n: string) => registeredAs(registered, n);

    before(async () => {
        await pulumi.runtime.setMocks(recordingMocks(registered), PROJECT, "metrics", false);
        const components = await import("../../components");
        group = new components.RedisReplicationGroup(name, {
            ...ONE_MASTER_TWO_REPLICAS,
            name: "rr-mtu",
            password: "unit-test-Passw0rd",
            sentinel: {},
            metrics: {},
        });
        await promiseOf(group.replication);
    });

    it("runs one exporter on the group's network, published on hostIp, with the passwords in a private file, after every node", () => {
        const c = one(`${name}-metrics`).inputs;
        assert.strictEqual(c.name, "rr-mtu-metrics");
        assert.strictEqual(c.image, "oliver006/redis_exporter:v1.67.0");
        assert.deepStrictEqual(c.ports, [{ internal: 9121, external: 9121, ip: "127.0.0.1", protocol: "tcp" }]);
        const upload = reveal(c.uploads)[0];
        assert.strictEqual(upload.permissions, "0400");
        assert.match(reveal(upload.content), /"redis:\/\/10\.89\.0\.2:6379":"mock-mtu-metrics-password"/);
        assert.ok(!JSON.stringify(c.command).includes("mock-mtu-metrics-password"), "no password on the command line");
        const deps = (registrations.get(`${name}-metrics`)?.dependencies ?? []).map(nameOf);
        assert.ok(deps.includes(`${name}-master-rejoin`) && deps.includes(`${name}-sentinel-3`), deps.join(", "));
    });

    it("gives the data nodes and the sentinels the metrics user, each with its own rules", () => {
        const dataUsers = reveal(one(`${name}-replica-1-boot`).inputs.current).users as Record<string, string>;
        assert.match(dataUsers.metrics!, /^on #[0-9a-f]{64} -@all \+ping \+info \+client \+config\|get/);
        const sentinelUsers = reveal(one(`${name}-sentinel-1-boot`).inputs.current).users as Record<string, string>;
        assert.match(sentinelUsers.metrics!, /\+sentinel\|ckquorum$/);
        const acl = reveal(one(`${name}-live-config`).inputs.acl);
        assert.deepStrictEqual(Object.keys(acl.sentinelUsers), ["metrics"]);
    });

    it("hands out targets, file_sd and the rules scoped to the group; the preflight checks the port and the image", async () => {
        const metrics = (await promiseOf(group.metrics))!;
        assert.strictEqual(metrics.targets.length, 6);
        assert.match(metrics.rules, /redis_up\{group="rr-mtu"\}/);
        assert.strictEqual(JSON.parse(metrics.fileSd).length, 6);
        const preflight = one(`${name}-preflight`).inputs;
        assert.ok(preflight.hostPorts.some((p: { path: string; value: number }) => p.path === "metrics.hostPort" && p.value === 9121));
        assert.strictEqual(preflight.exporterImage, "oliver006/redis_exporter:v1.67.0");
    });
});

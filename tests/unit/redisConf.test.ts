// Pure rendering of redis.conf and sentinel.conf from a plan.
import * as assert from "assert";
import { parseGroupConfig } from "../../config";
import { renderRedisConf, renderSentinelConf, SENTINEL_CONF_PATH } from "../../components/redisConf";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";

const plan = parseGroupConfig(ONE_MASTER_TWO_REPLICAS);
const master = plan.master;
const replica = plan.replicas[0]!;
const password = "s3cret-Passw0rd";

/** The directive lines of a rendered config. */
const lines = (conf: string) => conf.split("\n").filter((line) => line !== "" && !line.startsWith("#"));

/** The directive lines of a rendered config as [directive, value] pairs. */
function directives(conf: string): [string, string][] {
    return lines(conf).map((line) => {
        const space = line.indexOf(" ");
        return [line.slice(0, space), line.slice(space + 1)];
    });
}
const valueOf = (conf: string, directive: string) =>
    directives(conf)
        .filter(([d]) => d === directive)
        .map(([, v]) => v);

describe("renderRedisConf", () => {
    it("makes the master listen on 6379 on all container interfaces, with auth and protected mode", () => {
        const conf = renderRedisConf(master, plan, password);
        assert.deepStrictEqual(valueOf(conf, "bind"), ["0.0.0.0"]);
        assert.deepStrictEqual(valueOf(conf, "port"), ["6379"]);
        assert.deepStrictEqual(valueOf(conf, "protected-mode"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "requirepass"), [password]);
        assert.deepStrictEqual(valueOf(conf, "masterauth"), [password]);
        assert.deepStrictEqual(valueOf(conf, "replicaof"), []);
        assert.deepStrictEqual(valueOf(conf, "dir"), ["/data"]);
    });

    it("points a replica at the master's static IP, read-only", () => {
        const conf = renderRedisConf(replica, plan, password);
        assert.deepStrictEqual(valueOf(conf, "replicaof"), ["10.89.0.2 6379"]);
        assert.deepStrictEqual(valueOf(conf, "replica-read-only"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "masterauth"), [password]);
    });

    it("syncs through disk by default, without Redis's 5 s delay, and keeps AOF on", () => {
        for (const node of [master, replica]) {
            const conf = renderRedisConf(node, plan, password);
            assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync"), ["no"]);
            assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync-delay"), ["0"]);
            assert.deepStrictEqual(valueOf(conf, "appendonly"), ["yes"]);
        }
    });

    it("defines the ping-only healthcheck user", () => {
        assert.deepStrictEqual(valueOf(renderRedisConf(master, plan, password), "user"), ["healthcheck on nopass -@all +ping"]);
    });

    it("turns protected mode off, with no password lines, when auth is off", () => {
        const open = parseGroupConfig({ auth: false, replicas: 1 });
        const conf = renderRedisConf(open.replicas[0]!, open, undefined);
        assert.deepStrictEqual(valueOf(conf, "protected-mode"), ["no"]);
        assert.deepStrictEqual(valueOf(conf, "requirepass"), []);
        assert.deepStrictEqual(valueOf(conf, "masterauth"), []);
    });

    it("refuses to render an authenticated node without a password", () => {
        assert.throws(() => renderRedisConf(master, plan, undefined), /no password/);
    });

    it("writes typed settings, and lets redisConfig replace one without a duplicate line", () => {
        const tuned = parseGroupConfig({
            replicas: 2,
            persistence: { appendonly: false, save: [] },
            replication: { minReplicasToWrite: 1, minReplicasMaxLag: 5 },
            maxmemory: "256mb",
            redisConfig: { "maxmemory-policy": "allkeys-lru", "tcp-keepalive": 60 },
        });
        const conf = renderRedisConf(tuned.master, tuned, password);
        assert.deepStrictEqual(valueOf(conf, "appendonly"), ["no"]);
        assert.deepStrictEqual(valueOf(conf, "save"), ['""']);
        assert.deepStrictEqual(valueOf(conf, "min-replicas-to-write"), ["1"]);
        assert.deepStrictEqual(valueOf(conf, "min-replicas-max-lag"), ["5"]);
        assert.deepStrictEqual(valueOf(conf, "maxmemory"), ["256mb"]);
        assert.deepStrictEqual(valueOf(conf, "maxmemory-policy"), ["allkeys-lru"]);
        assert.deepStrictEqual(valueOf(conf, "tcp-keepalive"), ["60"]);
    });

    it("turns diskless sync on, with its delay, when asked", () => {
        const stock = parseGroupConfig({ replicas: 1, replication: { disklessSync: true, disklessSyncDelay: 5 } });
        const conf = renderRedisConf(stock.master, stock, password);
        assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync-delay"), ["5"]);
    });

    it("writes RDB save rules on one line", () => {
        const rdb = parseGroupConfig({ replicas: 1, persistence: { save: ["3600 1", "300 100"] } });
        assert.deepStrictEqual(valueOf(renderRedisConf(rdb.master, rdb, password), "save"), ["3600 1 300 100"]);
    });
});

describe("renderSentinelConf", () => {
    const withSentinel = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { masterName: "cache", downAfterMilliseconds: 1500 } });
    const node = withSentinel.sentinel!.nodes[0]!;

    it("monitors the master's static IP on 6379 with the quorum, password and timings; its own password as the rotation changes it", () => {
        assert.deepStrictEqual(lines(renderSentinelConf(node, withSentinel, password)), [
            "bind 0.0.0.0",
            "port 26379",
            "dir /data",
            "user healthcheck on nopass -@all +ping",
            "sentinel resolve-hostnames no",
            `user default on >${password} ~* &* +@all`,
            `sentinel sentinel-pass ${password}`,
            "sentinel monitor cache 10.89.0.2 6379 2",
            `sentinel auth-pass cache ${password}`,
            "sentinel down-after-milliseconds cache 1500",
            "sentinel failover-timeout cache 10000",
            "sentinel parallel-syncs cache 1",
        ]);
    });

    it("lives in the writable /data, since Sentinel rewrites it", () => assert.strictEqual(SENTINEL_CONF_PATH, "/data/sentinel.conf"));

    it("has no password lines when auth is off", () => {
        const open = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, auth: false, sentinel: {} });
        const conf = lines(renderSentinelConf(open.sentinel!.nodes[0]!, open, undefined));
        assert.ok(!conf.some((l) => /requirepass|auth-pass|sentinel-pass|user default/.test(l)));
    });

    it("refuses to render without a password when auth is on, or without sentinel", () => {
        assert.throws(() => renderSentinelConf(node, withSentinel, undefined), /auth is on but no password/);
        assert.throws(() => renderSentinelConf(node, plan, password), /needs group.sentinel/);
    });
});

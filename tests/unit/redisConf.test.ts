import * as assert from "assert";
import { parseGroupConfig } from "../../config";
import { renderRedisConf } from "../../components/redisConf";

const group = parseGroupConfig({
    name: "redis-dev",
    network: { subnet: "10.89.0.0/24" },
    master: { ip: "10.89.0.2", hostPort: 6380 },
    replicas: 2,
});
const master = group.master;
const replica = group.replicas[0]!;
const password = "s3cret-Passw0rd";

/** The directive lines of a rendered config as [directive, value] pairs. */
function directives(conf: string): [string, string][] {
    return conf
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => {
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
        const conf = renderRedisConf(master, group, password);
        assert.deepStrictEqual(valueOf(conf, "bind"), ["0.0.0.0"]);
        assert.deepStrictEqual(valueOf(conf, "port"), ["6379"]);
        assert.deepStrictEqual(valueOf(conf, "protected-mode"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "requirepass"), [password]);
        assert.deepStrictEqual(valueOf(conf, "masterauth"), [password]);
        assert.deepStrictEqual(valueOf(conf, "replicaof"), []);
        assert.deepStrictEqual(valueOf(conf, "dir"), ["/data"]);
    });

    it("points a replica at the master's static IP, read-only", () => {
        const conf = renderRedisConf(replica, group, password);
        assert.deepStrictEqual(valueOf(conf, "replicaof"), ["10.89.0.2 6379"]);
        assert.deepStrictEqual(valueOf(conf, "replica-read-only"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "masterauth"), [password]);
    });

    it("syncs through disk by default, without Redis's 5 s delay, and keeps AOF on", () => {
        for (const node of [master, replica]) {
            const conf = renderRedisConf(node, group, password);
            assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync"), ["no"]);
            assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync-delay"), ["0"]);
            assert.deepStrictEqual(valueOf(conf, "appendonly"), ["yes"]);
        }
    });

    it("defines the ping-only healthcheck user", () => {
        assert.deepStrictEqual(valueOf(renderRedisConf(master, group, password), "user"), ["healthcheck on nopass -@all +ping"]);
    });

    it("turns protected mode off, with no password lines, when auth is off", () => {
        const open = parseGroupConfig({ auth: false, replicas: 1 });
        const conf = renderRedisConf(open.replicas[0]!, open, undefined);
        assert.deepStrictEqual(valueOf(conf, "protected-mode"), ["no"]);
        assert.deepStrictEqual(valueOf(conf, "requirepass"), []);
        assert.deepStrictEqual(valueOf(conf, "masterauth"), []);
    });

    it("refuses to render an authenticated node without a password", () => {
        assert.throws(() => renderRedisConf(master, group, undefined), /no password/);
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

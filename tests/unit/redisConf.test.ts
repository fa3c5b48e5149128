// Pure rendering of redis.conf and sentinel.conf from a plan.
import * as assert from "assert";
import { parseGroupConfig } from "../../config";
import { hashedPassword } from "../../components/acl";
import { renderRedisConf, renderSentinelConf, SENTINEL_CONF_PATH } from "../../components/redisConf";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";

const plan = parseGroupConfig(ONE_MASTER_TWO_REPLICAS);
const master = plan.master;
const replica = plan.replicas[0]!;
const password = "s3cret-Passw0rd";
const creds = { admin: "admin-Passw0rd", replication: "repl-Passw0rd", sentinel: "sentinel-Passw0rd" };
const secrets = { password, creds };
const noAuth = { password: undefined, creds };

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
        const conf = renderRedisConf(master, plan, secrets);
        assert.deepStrictEqual(valueOf(conf, "bind"), ["0.0.0.0"]);
        assert.deepStrictEqual(valueOf(conf, "port"), ["6379"]);
        assert.deepStrictEqual(valueOf(conf, "protected-mode"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "requirepass"), [], "the password is the default user's, hashed");
        assert.deepStrictEqual(valueOf(conf, "replicaof"), []);
        assert.deepStrictEqual(valueOf(conf, "dir"), ["/data"]);
    });

    it("points a replica at the master's static IP, read-only, logging in as the replication user", () => {
        const conf = renderRedisConf(replica, plan, secrets);
        assert.deepStrictEqual(valueOf(conf, "replicaof"), ["10.89.0.2 6379"]);
        assert.deepStrictEqual(valueOf(conf, "replica-read-only"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "masteruser"), ["replication"]);
        assert.deepStrictEqual(valueOf(conf, "masterauth"), [creds.replication]);
    });

    it("gives each user only its job, every password hashed: the application user loses the admin commands and FLUSHALL/FLUSHDB", () => {
        assert.deepStrictEqual(valueOf(renderRedisConf(master, plan, secrets), "user"), [
            "healthcheck on nopass -@all +ping",
            `default on ${hashedPassword(password)} ~* &* +@all -@admin +role -flushall -flushdb`,
            `admin on ${hashedPassword(creds.admin)} ~* &* +@all`,
            `replication on ${hashedPassword(creds.replication)} +psync +replconf +ping`,
            `sentinel on ${hashedPassword(creds.sentinel)} allchannels +multi +slaveof +replicaof +ping +exec +subscribe +config|rewrite +role +publish +info +client|setname +client|kill +script|kill`,
        ]);
        const conf = renderRedisConf(master, plan, secrets);
        for (const secret of [password, creds.admin, creds.sentinel]) assert.ok(!conf.includes(secret), "a password in plain text");
    });

    it("adds the configured users as the node was created with them, passwords hashed", () => {
        const users = { reporting: `on ${hashedPassword("reader-Passw0rd")} ~report:* +@read` };
        assert.ok(valueOf(renderRedisConf(master, plan, secrets, { users }), "user").includes(`reporting ${users.reporting}`));
        assert.ok(!valueOf(renderRedisConf(master, plan, secrets), "user").some((u) => u.startsWith("reporting")));
    });

    it("takes disabledCommands, and the rules a node was created with over the plan's", () => {
        const open = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, disabledCommands: ["KEYS", "config|set"] });
        const users = (conf: string) => valueOf(conf, "user").find((u) => u.startsWith("default"));
        assert.strictEqual(
            users(renderRedisConf(master, open, secrets)),
            `default on ${hashedPassword(password)} ~* &* +@all -@admin +role -keys -config|set`,
        );
        assert.strictEqual(
            users(renderRedisConf(master, open, secrets, { defaultRules: "~* +@all" })),
            `default on ${hashedPassword(password)} ~* +@all`,
        );
    });

    it("syncs through disk by default, without Redis's 5 s delay, and keeps AOF on", () => {
        for (const node of [master, replica]) {
            const conf = renderRedisConf(node, plan, secrets);
            assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync"), ["no"]);
            assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync-delay"), ["0"]);
            assert.deepStrictEqual(valueOf(conf, "appendonly"), ["yes"]);
        }
    });

    it("turns protected mode off, and the application user's password, when auth is off; replication still logs in", () => {
        const open = parseGroupConfig({ auth: false, replicas: 1 });
        const conf = renderRedisConf(open.replicas[0]!, open, noAuth);
        assert.deepStrictEqual(valueOf(conf, "protected-mode"), ["no"]);
        assert.ok(valueOf(conf, "user").includes("default on nopass ~* &* +@all -@admin +role -flushall -flushdb"));
        assert.deepStrictEqual(valueOf(conf, "masterauth"), [creds.replication]);
    });

    it("refuses to render an authenticated node without a password", () => {
        assert.throws(() => renderRedisConf(master, plan, noAuth), /no password/);
    });

    it("writes typed settings, and lets redisConfig replace one without a duplicate line", () => {
        const tuned = parseGroupConfig({
            replicas: 2,
            persistence: { appendonly: false, save: [] },
            replication: { minReplicasToWrite: 1, minReplicasMaxLag: 5 },
            maxmemory: "256mb",
            redisConfig: { "maxmemory-policy": "allkeys-lru", "tcp-keepalive": 60 },
        });
        const conf = renderRedisConf(tuned.master, tuned, secrets);
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
        const conf = renderRedisConf(stock.master, stock, secrets);
        assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync"), ["yes"]);
        assert.deepStrictEqual(valueOf(conf, "repl-diskless-sync-delay"), ["5"]);
    });

    it("writes RDB save rules on one line", () => {
        const rdb = parseGroupConfig({ replicas: 1, persistence: { save: ["3600 1", "300 100"] } });
        assert.deepStrictEqual(valueOf(renderRedisConf(rdb.master, rdb, secrets), "save"), ["3600 1 300 100"]);
    });
});

describe("renderRedisConf with TLS", () => {
    const pem = { ca: "-----BEGIN CERTIFICATE-----", cert: "-----BEGIN CERTIFICATE-----", key: "-----BEGIN RSA PRIVATE KEY-----" };
    const withTls = (tls: object, more: object = {}) => parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, tls: { ...pem, ...tls }, ...more });

    it("listens with TLS only, replicas following over TLS", () => {
        const plan = withTls({});
        const conf = renderRedisConf(plan.replicas[0]!, plan, secrets);
        assert.deepStrictEqual(
            [valueOf(conf, "port"), valueOf(conf, "tls-port"), valueOf(conf, "tls-replication"), valueOf(conf, "tls-auth-clients")],
            [["0"], ["6379"], ["yes"], ["no"]],
        );
        assert.deepStrictEqual(valueOf(conf, "replicaof"), ["10.89.0.2 6379"]);
    });

    it("opens the plaintext port on the group's network when asked; a sentinel keeps TLS alone", () => {
        const plan = withTls({ plaintextPort: true }, { sentinel: {} });
        assert.deepStrictEqual(valueOf(renderRedisConf(plan.master, plan, secrets), "port"), ["6380"]);
        assert.deepStrictEqual(valueOf(renderSentinelConf(plan.sentinel!.nodes[0]!, plan, secrets), "port"), ["0"]);
    });

    it("with replication off, replicas follow the master's plaintext port in plaintext", () => {
        const plan = withTls({ replication: false });
        const conf = renderRedisConf(plan.replicas[0]!, plan, secrets);
        assert.deepStrictEqual([valueOf(conf, "port"), valueOf(conf, "tls-replication")], [["6380"], ["no"]]);
        assert.deepStrictEqual(valueOf(conf, "replicaof"), ["10.89.0.2 6380"]);
    });
});

describe("renderSentinelConf", () => {
    const withSentinel = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { masterName: "cache", downAfterMilliseconds: 1500 } });
    const node = withSentinel.sentinel!.nodes[0]!;

    it("monitors the master's static IP on 6379 as the sentinel user, with the quorum and timings; its own password as the rotation changes it", () => {
        assert.deepStrictEqual(lines(renderSentinelConf(node, withSentinel, secrets)), [
            "bind 0.0.0.0",
            "port 26379",
            "dir /data",
            "user healthcheck on nopass -@all +ping",
            `user admin on ${hashedPassword(creds.admin)} ~* &* +@all`,
            "sentinel resolve-hostnames no",
            `user default on >${password} ~* &* +@all`,
            `sentinel sentinel-pass ${password}`,
            "sentinel monitor cache 10.89.0.2 6379 2",
            "sentinel auth-user cache sentinel",
            `sentinel auth-pass cache ${creds.sentinel}`,
            "sentinel down-after-milliseconds cache 1500",
            "sentinel failover-timeout cache 10000",
            "sentinel parallel-syncs cache 1",
        ]);
    });

    it("lives in the writable /data, since Sentinel rewrites it", () => assert.strictEqual(SENTINEL_CONF_PATH, "/data/sentinel.conf"));

    it("has no lines for the group's password when auth is off; it still logs in to the nodes as the sentinel user", () => {
        const open = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, auth: false, sentinel: {} });
        const conf = lines(renderSentinelConf(open.sentinel!.nodes[0]!, open, noAuth));
        assert.ok(!conf.some((l) => /requirepass|sentinel-pass|user default/.test(l)));
        assert.ok(conf.includes(`sentinel auth-pass ${open.sentinel!.masterName} ${creds.sentinel}`));
    });

    it("refuses to render without a password when auth is on, or without sentinel", () => {
        assert.throws(() => renderSentinelConf(node, withSentinel, noAuth), /auth is on but no password/);
        assert.throws(() => renderSentinelConf(node, plan, secrets), /needs group.sentinel/);
    });
});

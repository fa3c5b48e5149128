// parseGroupConfig as a whole: a bad setting of any kind is named by its property path, all at
// once, and a good one becomes a plan with every default applied.
import * as assert from "assert";
import { parseGroupConfig } from "../../../config";
import { problemsOf } from "../../support/configProblems";
import { ONE_MASTER_TWO_REPLICAS } from "../../support/fixtures";

// [what is wrong, config, property path the error must name, words the reason must contain]
const badConfigs: [string, unknown, string, RegExp][] = [
    ["config is a list", [], "", /must be an object/],
    ["verify mode unknown", { ...ONE_MASTER_TWO_REPLICAS, verify: "sometimes" }, "verify", /changes.*always/],
    ["unknown top-level key", { ...ONE_MASTER_TWO_REPLICAS, replica: 2 }, "replica", /unknown key; did you mean "replicas"/],
    [
        "unknown nested key",
        { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/24", gatway: "10.89.0.1" } },
        "network.gatway",
        /did you mean "gateway"/,
    ],
    ["name with a space", { ...ONE_MASTER_TWO_REPLICAS, name: "redis dev" }, "name", /not a valid Docker name/],
    ["name starting with a dash", { ...ONE_MASTER_TWO_REPLICAS, name: "-redis" }, "name", /not a valid Docker name/],
    ["name too long", { ...ONE_MASTER_TWO_REPLICAS, name: "r".repeat(60) }, "name", /longer than/],
    ["name not a string", { ...ONE_MASTER_TWO_REPLICAS, name: 7 }, "name", /must be a string/],
    ["subnet not CIDR", { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0" } }, "network.subnet", /not an IPv4 CIDR/],
    ["subnet octet over 255", { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.300.0.0/24" } }, "network.subnet", /not an IPv4 CIDR/],
    ["subnet host bits set", { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.5/24" } }, "network.subnet", /host bits set/],
    [
        "subnet prefix too long",
        { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/30" } },
        "network.subnet",
        /between \/8 and \/29/,
    ],
    ["subnet prefix over 32", { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/33" } }, "network.subnet", /longer than 32/],
    [
        "subnet overlaps docker0",
        { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "172.17.5.0/24" }, master: { ip: "172.17.5.2", hostPort: 6380 }, replicas: 1 },
        "network.subnet",
        /overlaps Docker's default bridge/,
    ],
    [
        "gateway outside subnet",
        { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/24", gateway: "10.89.1.1" } },
        "network.gateway",
        /not a host address/,
    ],
    [
        "gateway is the broadcast",
        { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/24", gateway: "10.89.0.255" } },
        "network.gateway",
        /not a host address/,
    ],
    [
        "gateway not an IP",
        { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/24", gateway: "gw" } },
        "network.gateway",
        /not an IPv4 address/,
    ],
    [
        "gateway with an existing network",
        { ...ONE_MASTER_TWO_REPLICAS, network: { existing: "shared", gateway: "10.89.0.1" } },
        "network.gateway",
        /existing network/,
    ],
    [
        "existing network with a bad name",
        { ...ONE_MASTER_TWO_REPLICAS, network: { existing: "bad name" } },
        "network.existing",
        /not a valid Docker network name/,
    ],
    [
        "master ip outside subnet",
        { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.1.2", hostPort: 6380 } },
        "master.ip",
        /outside network.subnet 10.89.0.0\/24/,
    ],
    ["master ip is the gateway", { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.1", hostPort: 6380 } }, "master.ip", /gateway/],
    [
        "master ip is the network address",
        { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.0", hostPort: 6380 } },
        "master.ip",
        /network address/,
    ],
    [
        "replica ip is the broadcast",
        { ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.255", hostPort: 6381 }] },
        "replicas[0].ip",
        /broadcast/,
    ],
    [
        "replica ip not IPv4",
        { ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.300", hostPort: 6381 }] },
        "replicas[0].ip",
        /10.89.0.300 is not an IPv4 address/,
    ],
    [
        "duplicate IPs",
        {
            ...ONE_MASTER_TWO_REPLICAS,
            replicas: [
                { ip: "10.89.0.3", hostPort: 6381 },
                { ip: "10.89.0.3", hostPort: 6382 },
            ],
        },
        "replicas[1].ip",
        /already used by replicas\[0\].ip/,
    ],
    [
        "replica reuses the master IP",
        { ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.2", hostPort: 6381 }] },
        "replicas[0].ip",
        /already used by master.ip/,
    ],
    [
        "duplicate host ports",
        { ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.3", hostPort: 6380 }] },
        "replicas[0].hostPort",
        /already used by master.hostPort/,
    ],
    ["host port zero", { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.2", hostPort: 0 } }, "master.hostPort", /out of range 1-65535/],
    [
        "host port too high",
        { ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.3", hostPort: 70000 }] },
        "replicas[0].hostPort",
        /out of range/,
    ],
    [
        "host port not whole",
        { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.2", hostPort: 6380.5 } },
        "master.hostPort",
        /whole number/,
    ],
    [
        "host port as a string",
        { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.2", hostPort: "6380" } },
        "master.hostPort",
        /whole number/,
    ],
    ["replica without ip", { ...ONE_MASTER_TWO_REPLICAS, replicas: [{ hostPort: 6381 }] }, "replicas[0].ip", /is required/],
    ["replica without hostPort", { ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: "10.89.0.3" }] }, "replicas[0].hostPort", /is required/],
    ["replica list entry not an object", { ...ONE_MASTER_TWO_REPLICAS, replicas: ["10.89.0.3"] }, "replicas[0]", /must be an object/],
    ["no replicas", { ...ONE_MASTER_TWO_REPLICAS, replicas: [] }, "replicas", /at least one replica/],
    ["replica count zero", { ...ONE_MASTER_TWO_REPLICAS, replicas: 0 }, "replicas", /out of range 1-32/],
    ["replica count fractional", { ...ONE_MASTER_TWO_REPLICAS, replicas: 1.5 }, "replicas", /whole number/],
    [
        "replica count does not fit the subnet",
        { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/29" }, master: { ip: "10.89.0.2", hostPort: 6380 }, replicas: 5 },
        "replicas",
        /do not fit in network.subnet/,
    ],
    [
        "replica count runs out of ports",
        { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.2", hostPort: 65534 }, replicas: 3 },
        "replicas",
        /ports above 65535/,
    ],
    ["replicas as a string", { ...ONE_MASTER_TWO_REPLICAS, replicas: "two" }, "replicas", /count or a list/],
    [
        "replicas and replicaCount both",
        { ...ONE_MASTER_TWO_REPLICAS, replicaCount: 2 },
        "replicaCount",
        /either replicas \(a list\) or replicaCount, not both/,
    ],
    ["replicaCount zero", { replicaCount: 0 }, "replicaCount", /out of range 1-32/],
    ["users as an object", { users: { name: "r" } }, "users", /must be a list of \{ name, password, rules \}/],
    ["user without a name", { users: [{ password: "reader-Passw0rd", rules: "+get" }] }, "users[0].name", /is required/],
    [
        "user named after the group's own",
        { users: [{ name: "admin", password: "reader-Passw0rd", rules: "+get" }] },
        "users[0].name",
        /one of the group's own users/,
    ],
    [
        "user name with a space",
        { users: [{ name: "a b", password: "reader-Passw0rd", rules: "+get" }] },
        "users[0].name",
        /is not a user name/,
    ],
    [
        "user given twice",
        {
            users: [
                { name: "r", password: "reader-Passw0rd", rules: "+get" },
                { name: "r", password: "reader-Passw0rd", rules: "+get" },
            ],
        },
        "users[1].name",
        /given twice/,
    ],
    ["user password too short", { users: [{ name: "r", password: "short", rules: "+get" }] }, "users[0].password", /at least 8 characters/],
    ["user without a password", { users: [{ name: "r", rules: "+get" }] }, "users[0].password", /is required/],
    [
        "user rules with a password",
        { users: [{ name: "r", password: "reader-Passw0rd", rules: "+get >other nopass" }] },
        "users[0].rules",
        /">other", "nopass": not a key, channel or command rule/,
    ],
    [
        "user rules that end the line",
        { users: [{ name: "r", password: "reader-Passw0rd", rules: "+get\nuser x on" }] },
        "users[0].rules",
        /"on": not a key/,
    ],
    ["disabledCommands as a string", { disabledCommands: "FLUSHALL" }, "disabledCommands", /must be a list of command names/],
    [
        "disabledCommands entry with a space",
        { disabledCommands: ["FLUSHALL", "FLUSH ALL"] },
        "disabledCommands[1]",
        /is not a command name/,
    ],
    ["disabledCommands entry that is a rule", { disabledCommands: ["+@all"] }, "disabledCommands[0]", /is not a command name/],
    ["replicaCount as a list", { replicaCount: [{ ip: "10.89.0.3", hostPort: 6381 }] }, "replicaCount", /whole number/],
    [
        "existing network without subnet needs master.ip",
        { network: { existing: "shared" }, replicas: 1 },
        "master.ip",
        /is required when network.existing/,
    ],
    ["hostIp not IPv4", { ...ONE_MASTER_TWO_REPLICAS, hostIp: "localhost" }, "hostIp", /not an IPv4 address/],
    ["auth off on all interfaces", { ...ONE_MASTER_TWO_REPLICAS, auth: false, hostIp: "0.0.0.0" }, "hostIp", /without a password/],
    ["auth not boolean", { ...ONE_MASTER_TWO_REPLICAS, auth: "yes" }, "auth", /true or false/],
    [
        "unknown volume kind",
        { ...ONE_MASTER_TWO_REPLICAS, persistence: { volume: "nfs" } },
        "persistence.volume",
        /not one of named, hostPath/,
    ],
    [
        "hostPath volume without path",
        { ...ONE_MASTER_TWO_REPLICAS, persistence: { volume: "hostPath" } },
        "persistence.hostPath",
        /is required/,
    ],
    [
        "relative hostPath",
        { ...ONE_MASTER_TWO_REPLICAS, persistence: { volume: "hostPath", hostPath: "srv/redis" } },
        "persistence.hostPath",
        /absolute/,
    ],
    [
        "hostPath with a quote",
        { ...ONE_MASTER_TWO_REPLICAS, persistence: { volume: "hostPath", hostPath: "/srv/it's" } },
        "persistence.hostPath",
        /quotes/,
    ],
    [
        "hostPath with ..",
        { ...ONE_MASTER_TWO_REPLICAS, persistence: { volume: "hostPath", hostPath: "/srv/../etc" } },
        "persistence.hostPath",
        /\.\./,
    ],
    [
        "hostPath with named volumes",
        { ...ONE_MASTER_TWO_REPLICAS, persistence: { hostPath: "/srv/redis" } },
        "persistence.hostPath",
        /only used with/,
    ],
    ["bad save rule", { ...ONE_MASTER_TWO_REPLICAS, persistence: { save: ["every hour"] } }, "persistence.save[0]", /seconds> <changes/],
    [
        "appendonly not boolean",
        { ...ONE_MASTER_TWO_REPLICAS, persistence: { appendonly: "yes" } },
        "persistence.appendonly",
        /true or false/,
    ],
    [
        "redisConfig sets replicaof",
        { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { replicaof: "10.0.0.1 6379" } },
        "redisConfig.replicaof",
        /set by the group itself/,
    ],
    [
        "redisConfig sets requirepass",
        { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { requirepass: "x" } },
        "redisConfig.requirepass",
        /set by the group itself/,
    ],
    [
        "redisConfig sets bind, any case",
        { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { BIND: "127.0.0.1" } },
        "redisConfig.BIND",
        /set by the group itself/,
    ],
    ["redisConfig sets port", { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { port: 7000 } }, "redisConfig.port", /set by the group itself/],
    ["redisConfig sets dir", { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { dir: "/tmp" } }, "redisConfig.dir", /set by the group itself/],
    [
        "redisConfig sets masterauth",
        { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { masterauth: "x" } },
        "redisConfig.masterauth",
        /set by the group itself/,
    ],
    [
        "redisConfig injects a newline",
        { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { maxclients: "100\nreplicaof 1.2.3.4 6379" } },
        "redisConfig.maxclients",
        /one line/,
    ],
    [
        "redisConfig value is an object",
        { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { maxclients: { n: 1 } } },
        "redisConfig.maxclients",
        /string, number or boolean/,
    ],
    [
        "redisConfig and its typed twin",
        { ...ONE_MASTER_TWO_REPLICAS, maxmemoryPolicy: "allkeys-lru", redisConfig: { "maxmemory-policy": "noeviction" } },
        "redisConfig.maxmemory-policy",
        /conflicts with maxmemoryPolicy/,
    ],
    [
        "redisConfig bad directive",
        { ...ONE_MASTER_TWO_REPLICAS, redisConfig: { "max memory": "1" } },
        "redisConfig.max memory",
        /not a redis.conf directive/,
    ],
    ["maxmemory not a size", { ...ONE_MASTER_TWO_REPLICAS, maxmemory: "lots" }, "maxmemory", /not a size/],
    ["unknown maxmemory policy", { ...ONE_MASTER_TWO_REPLICAS, maxmemoryPolicy: "lru" }, "maxmemoryPolicy", /not one of/],
    [
        "minReplicasToWrite above replica count",
        { ...ONE_MASTER_TWO_REPLICAS, replication: { minReplicasToWrite: 3 } },
        "replication.minReplicasToWrite",
        /refuse every write/,
    ],
    [
        "minReplicasMaxLag zero",
        { ...ONE_MASTER_TWO_REPLICAS, replication: { minReplicasMaxLag: 0 } },
        "replication.minReplicasMaxLag",
        /out of range/,
    ],
    ["negative memory", { ...ONE_MASTER_TWO_REPLICAS, resources: { memoryMb: -1 } }, "resources.memoryMb", /out of range/],
    ["cpus zero", { ...ONE_MASTER_TWO_REPLICAS, resources: { cpus: 0 } }, "resources.cpus", /above 0/],
    [
        "unknown restart policy",
        { ...ONE_MASTER_TWO_REPLICAS, restart: "sometimes" },
        "restart",
        /not one of no, on-failure, always, unless-stopped/,
    ],
    ["check timeout zero", { ...ONE_MASTER_TWO_REPLICAS, checkTimeoutSeconds: 0 }, "checkTimeoutSeconds", /above 0/],
    ["check poll interval zero", { ...ONE_MASTER_TWO_REPLICAS, checkPollIntervalMs: 0 }, "checkPollIntervalMs", /out of range/],
    [
        "disklessSync not boolean",
        { ...ONE_MASTER_TWO_REPLICAS, replication: { disklessSync: "yes" } },
        "replication.disklessSync",
        /true or false/,
    ],
    [
        "redisConfig and typed diskless sync",
        { ...ONE_MASTER_TWO_REPLICAS, replication: { disklessSync: true }, redisConfig: { "repl-diskless-sync": "no" } },
        "redisConfig.repl-diskless-sync",
        /conflicts with replication.disklessSync/,
    ],
    [
        "image name and base image",
        { ...ONE_MASTER_TWO_REPLICAS, image: { name: "redis:7", baseImage: "redis:7" } },
        "image.baseImage",
        /only used to build/,
    ],
];

describe("parseGroupConfig", () => {
    it(`has at least 30 bad configurations (${badConfigs.length})`, () => assert.ok(badConfigs.length >= 30));

    for (const [what, raw, path, reason] of badConfigs) {
        it(`rejects ${what}, naming ${path || "the config"}`, () => {
            const problems = problemsOf(raw);
            const match = problems.find((p) => p.startsWith(`${path}: `) && reason.test(p));
            assert.ok(match, `expected "${path}: ${reason}", got:\n${problems.join("\n") || "(accepted)"}`);
        });
    }

    it("reports every problem at once, one line each, in the message", () => {
        const bad = { ...ONE_MASTER_TWO_REPLICAS, name: "a b", master: { ip: "10.89.9.2", hostPort: 0 }, colour: "red" };
        assert.throws(
            () => parseGroupConfig(bad),
            (err: Error) =>
                /4 problems/.test(err.message) &&
                /^ {2}name: /m.test(err.message) &&
                /^ {2}master.ip: 10.89.9.2 is outside/m.test(err.message) &&
                /^ {2}master.hostPort: /m.test(err.message) &&
                /^ {2}colour: unknown key/m.test(err.message),
        );
    });

    it("plans one master and two replicas as written, with defaults applied", () => {
        const plan = parseGroupConfig(ONE_MASTER_TWO_REPLICAS);
        assert.deepStrictEqual(plan.network, { existing: undefined, subnet: "10.89.0.0/24", gateway: "10.89.0.1" });
        assert.deepStrictEqual(plan.master, { role: "master", key: "master", ip: "10.89.0.2", hostPort: 6380 });
        assert.deepStrictEqual(
            plan.replicas.map((r) => [r.key, r.ip, r.hostPort]),
            [
                ["replica-1", "10.89.0.3", 6381],
                ["replica-2", "10.89.0.4", 6382],
            ],
        );
        assert.strictEqual(plan.hostIp, "127.0.0.1");
        assert.strictEqual(plan.auth, true);
        assert.deepStrictEqual(plan.persistence, {
            appendonly: true,
            save: undefined,
            volume: "named",
            hostPath: undefined,
            retain: false,
            acceptRestartWipingReplicas: false,
        });
        assert.strictEqual(plan.replication.disklessSync, false);
        assert.strictEqual(plan.replication.disklessSyncDelay, 0);
        assert.strictEqual(plan.checkPollIntervalMs, 10);
        assert.strictEqual(plan.restart, "unless-stopped");
        assert.strictEqual(plan.checkTimeoutSeconds, 60);
        assert.strictEqual(plan.image.baseImage, "redis:7.2.5-alpine");
        assert.strictEqual(plan.verify, "changes");
        assert.strictEqual(parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, verify: "always" }).verify, "always");
    });

    it("derives replica addresses and ports from a count, skipping the gateway", () => {
        const plan = parseGroupConfig({
            network: { subnet: "10.90.0.0/24", gateway: "10.90.0.3" },
            master: { ip: "10.90.0.2", hostPort: 7000 },
            replicas: 3,
        });
        assert.deepStrictEqual(
            plan.replicas.map((r) => [r.ip, r.hostPort]),
            [
                ["10.90.0.4", 7001],
                ["10.90.0.5", 7002],
                ["10.90.0.6", 7003],
            ],
        );
    });

    it("plans users without their passwords, rules on one line", () => {
        const plan = parseGroupConfig({ users: [{ name: "reporting", password: "reader-Passw0rd", rules: " ~report:*  +@read &* " }] });
        assert.deepStrictEqual(plan.users, [{ name: "reporting", rules: "~report:* +@read &*" }]);
        assert.deepStrictEqual(parseGroupConfig({}).users, []);
    });

    it("plans disabledCommands lower-case and once each; FLUSHALL and FLUSHDB when left out, nothing for []", () => {
        assert.deepStrictEqual(parseGroupConfig({}).disabledCommands, ["flushall", "flushdb"]);
        assert.deepStrictEqual(parseGroupConfig({ disabledCommands: [] }).disabledCommands, []);
        assert.deepStrictEqual(parseGroupConfig({ disabledCommands: ["KEYS", "Config|Set", "keys"] }).disabledCommands, [
            "keys",
            "config|set",
        ]);
    });

    it("plans replicaCount as it plans a count in replicas", () => {
        const base = { network: { subnet: "10.90.0.0/24" }, master: { ip: "10.90.0.2", hostPort: 7000 } };
        assert.deepStrictEqual(parseGroupConfig({ ...base, replicaCount: 3 }), parseGroupConfig({ ...base, replicas: 3 }));
    });

    it("defaults everything from an empty config, and takes the name default from the caller", () => {
        const plan = parseGroupConfig(undefined, { name: "cache" });
        assert.strictEqual(plan.name, "cache");
        assert.strictEqual(plan.network.subnet, "10.89.0.0/24");
        assert.strictEqual(plan.master.ip, "10.89.0.2");
        assert.deepStrictEqual(
            plan.replicas.map((r) => r.ip),
            ["10.89.0.3", "10.89.0.4"],
        );
    });

    it("joins an existing network with explicit addresses and checks them against a given subnet", () => {
        const plan = parseGroupConfig({
            network: { existing: "shared", subnet: "10.91.0.0/24" },
            master: { ip: "10.91.0.10", hostPort: 6390 },
            replicas: 1,
        });
        assert.deepStrictEqual(plan.network, { existing: "shared", subnet: "10.91.0.0/24", gateway: undefined });
        assert.strictEqual(plan.replicas[0]?.ip, "10.91.0.11");
    });

    it("accepts a typed directive in redisConfig when its typed setting is left out", () => {
        const plan = parseGroupConfig({
            ...ONE_MASTER_TWO_REPLICAS,
            redisConfig: { "maxmemory-policy": "allkeys-lru", maxclients: 100, "lazyfree-lazy-eviction": true },
        });
        assert.deepStrictEqual(plan.redisConfig, { "maxmemory-policy": "allkeys-lru", maxclients: "100", "lazyfree-lazy-eviction": "yes" });
    });
});

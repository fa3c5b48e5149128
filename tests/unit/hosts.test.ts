// A group on several Docker hosts: the config's placement and its checks (pure), what each node's
// config announces, and the resource graph under mocks: a Docker provider per host, each node's
// resources on its host's provider, a preflight per engine, and outputs on the hosts' addresses.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import type * as Components from "../../components";
import { GroupPlan, GroupSpec, NodePlan, parseGroupConfig } from "../../config";
import { defaultHostOf, hostLossProblem } from "../../config/hosts";
import { loadStackConfig } from "../../config/stack";
import { renderRedisConf, renderSentinelConf } from "../../components/redisConf";
import { argsOfStack, splitArgs } from "../../components/spec";
import { promiseOf } from "../../harness/pulumi";
import { problemsOf } from "../support/configProblems";
import { recordingMocks, Registered, reveal } from "../support/mocks";
import { PROJECT } from "../support/stackConfig";

const HOSTS = {
    a: { address: "10.231.0.11", dockerHost: "unix:///run/rrg/h1/docker.sock" },
    b: { address: "10.231.0.12", dockerHost: "ssh://ops@127.0.0.1:1" },
    c: { address: "10.231.0.13" },
};
const SPREAD: GroupSpec = { name: "mh", hosts: HOSTS, sentinel: {} };
const CREDS = { admin: "admin-pw-0123456789", replication: "repl-pw-0123456789", sentinel: "sent-pw-0123456789" };
const lines = (conf: string) => conf.split("\n").filter((line) => line !== "" && !line.startsWith("#"));

describe("hosts in the config", () => {
    it("spreads the nodes over the hosts in turn: master, replicas, then sentinels from the first host", () => {
        const plan = parseGroupConfig(SPREAD);
        const where = (nodes: { key: string; host?: string }[]) => nodes.map((n) => `${n.key}@${n.host}`);
        assert.deepStrictEqual(where([plan.master, ...plan.replicas]), ["master@a", "replica-1@b", "replica-2@c"]);
        assert.deepStrictEqual(where(plan.sentinel!.nodes), ["sentinel-1@a", "sentinel-2@b", "sentinel-3@c"]);
        assert.deepStrictEqual(
            plan.hosts!.map((h) => `${h.name} ${h.publishIp}`),
            ["a 10.231.0.11", "b 10.231.0.12", "c 10.231.0.13"],
        );
    });

    it("puts a node on the host it names; the same port is free again on another host, never twice on one", () => {
        const plan = parseGroupConfig({
            hosts: HOSTS,
            master: { hostPort: 7000, host: "b" },
            replicas: [
                { ip: "10.89.0.3", hostPort: 7000, host: "a" },
                { ip: "10.89.0.4", hostPort: 7000, host: "c" },
            ],
        });
        assert.deepStrictEqual(
            [plan.master, ...plan.replicas].map((n) => n.host),
            ["b", "a", "c"],
        );
        assert.deepStrictEqual(
            problemsOf({ hosts: HOSTS, master: { hostPort: 7000, host: "a" }, replicas: [{ ip: "10.89.0.3", hostPort: 7000, host: "a" }] }),
            ['replicas[0].hostPort: 7000 on host "a" is already used by master.hostPort'],
        );
    });

    it("refuses a host that doesn't exist, a host without hosts, and a bad address or engine, each by its path", () => {
        assert.deepStrictEqual(problemsOf({ hosts: HOSTS, master: { host: "d" } }), ['master.host: "d" is not one of hosts (a, b, c)']);
        assert.deepStrictEqual(problemsOf({ master: { host: "a" } }), ["master.host: names a host, but the group has no hosts"]);
        assert.deepStrictEqual(problemsOf({ hosts: { a: { address: "b.example", dockerHost: "http://x" }, B: {} } }), [
            "hosts.a.address: b.example is not an IPv4 address (Redis and Sentinel announce addresses, not names)",
            'hosts.a.dockerHost: "http://x" is not a Docker host address (unix://, tcp://, ssh://)',
            'hosts.B: "B" is not a host name (lower-case letters, digits and -, as container names take it)',
            "hosts.B.address: is required: where other hosts and clients reach it",
        ]);
    });

    it("refuses sentinels that can't fail over once any one host is gone, unless accepted (then warns)", () => {
        const two = { a: HOSTS.a, b: HOSTS.b };
        const reason =
            'losing host "a" leaves 1 of 3 sentinels, fewer than the 2 a failover needs (quorum 2, majority 2); ' +
            "spread them over more hosts, or set sentinel.acceptHostLossWithoutFailover";
        assert.deepStrictEqual(problemsOf({ hosts: two, sentinel: {} }), [`sentinel.nodes: ${reason}`]);
        const accepted = parseGroupConfig({ hosts: two, sentinel: { acceptHostLossWithoutFailover: true } });
        assert.ok(accepted.warnings.includes(`sentinel.nodes: ${reason}`), accepted.warnings.join("\n"));
        // Five sentinels on three hosts (2, 2, 1): losing any one leaves at least 3, a majority.
        assert.deepStrictEqual(problemsOf({ hosts: HOSTS, sentinel: { count: 5 } }), []);
    });

    it("refuses what only one engine can do: hostIp, an existing network, host paths, auth off", () => {
        assert.deepStrictEqual(
            problemsOf({
                hosts: HOSTS,
                hostIp: "0.0.0.0",
                network: { existing: "shared" },
                master: { ip: "10.89.0.2" },
                persistence: { volume: "hostPath", hostPath: "/srv/redis" },
                auth: false,
            }),
            [
                "auth: false would publish Redis without a password on every host's address",
                "hostIp: with hosts, ports are published on each host's address (hosts.<name>.publishIp)",
                "network.existing: with hosts, the group creates its network on each host",
                "persistence.volume: hostPath directories are made on this machine only; with hosts use named volumes",
            ],
        );
    });

    it("takes hosts alike from stack config and from the component's arguments", () => {
        const stack: GroupSpec = { ...SPREAD, replicas: [{ ip: "10.89.0.3", hostPort: 6381, host: "c" }] };
        assert.deepStrictEqual(parseGroupConfig(splitArgs(argsOfStack(stack)).spec), parseGroupConfig(stack));
    });

    it("warns when every replica is on the master's host", () => {
        const plan = parseGroupConfig({ hosts: HOSTS, master: { host: "a" }, replicas: [{ ip: "10.89.0.3", hostPort: 6381, host: "a" }] });
        assert.ok(
            plan.warnings.some((w) => w.includes('every replica is on the master\'s host "a"')),
            plan.warnings.join("\n"),
        );
    });
});

describe("a host lost for good (hosts.<name>.lost)", () => {
    const FOUR = { ...HOSTS, d: { address: "10.231.0.14" } };
    const LOST_C: GroupSpec = { name: "mh", hosts: { ...FOUR, c: { ...FOUR.c, lost: true } }, sentinel: {} };
    const nodesOf = (plan: GroupPlan): NodePlan[] => [plan.master, ...plan.replicas, ...plan.sentinel!.nodes];
    const where = (plan: GroupPlan) => nodesOf(plan).map((n) => `${n.key}@${n.host}${n.movedFrom ? ` from ${n.movedFrom}` : ""}`);

    it("places nodes in turn over the live hosts only, each moved off the lost host saying so", () => {
        const plan = parseGroupConfig(LOST_C);
        assert.deepStrictEqual(where(plan), [
            "master@a",
            "replica-1@b",
            "replica-2@d from c",
            "sentinel-1@a",
            "sentinel-2@b",
            "sentinel-3@d from c",
        ]);
        assert.deepStrictEqual(
            plan.hosts!.find((h) => h.name === "c"),
            { name: "c", address: "10.231.0.13", publishIp: "10.231.0.13", lost: true },
        );
        // movedFrom exactly where the turn over every host, lost ones included, gives the lost host.
        const turns = (nodes: NodePlan[]) => nodes.map((n, i) => defaultHostOf(plan.hosts!, n.role, i)!.name);
        assert.deepStrictEqual(
            [...turns([plan.master]), ...turns(plan.replicas), ...turns(plan.sentinel!.nodes)],
            ["a", "b", "c", "a", "b", "c"],
        );
        // Dropping c in a later up moves nothing: the nodes are those of hosts a, b and d.
        const dropped = parseGroupConfig({ ...LOST_C, hosts: { a: FOUR.a, b: FOUR.b, d: FOUR.d } });
        const { movedFrom: _r, ...replica2 } = plan.replicas[1]!;
        const { movedFrom: _s, ...sentinel3 } = plan.sentinel!.nodes[2]!;
        assert.deepStrictEqual([plan.master, plan.replicas[0], replica2, ...plan.sentinel!.nodes.slice(0, 2), sentinel3], nodesOf(dropped));
    });

    it("leaves the plan of a group without a lost host as it was: no lost, no movedFrom, and lost: false the same", () => {
        const plan = parseGroupConfig(SPREAD);
        assert.deepStrictEqual(plan.hosts, [
            { name: "a", address: "10.231.0.11", publishIp: "10.231.0.11", dockerHost: "unix:///run/rrg/h1/docker.sock" },
            { name: "b", address: "10.231.0.12", publishIp: "10.231.0.12", dockerHost: "ssh://ops@127.0.0.1:1" },
            { name: "c", address: "10.231.0.13", publishIp: "10.231.0.13" },
        ]);
        assert.deepStrictEqual(plan.master, { role: "master", key: "master", ip: "10.89.0.2", hostPort: 6380, host: "a" });
        assert.deepStrictEqual(plan.replicas[1], { role: "replica", key: "replica-2", ip: "10.89.0.4", hostPort: 6382, host: "c" });
        assert.deepStrictEqual(plan.sentinel!.nodes[2], {
            role: "sentinel",
            key: "sentinel-3",
            ip: "10.89.0.252",
            hostPort: 26382,
            host: "c",
        });
        const notLost = Object.fromEntries(Object.entries(HOSTS).map(([name, h]) => [name, { ...h, lost: false }]));
        assert.strictEqual(JSON.stringify(parseGroupConfig({ ...SPREAD, hosts: notLost })), JSON.stringify(plan));
    });

    it("refuses a node that names a lost host, listing the live ones", () => {
        const listed: GroupSpec = {
            hosts: LOST_C.hosts,
            replicas: [
                { ip: "10.89.0.3", hostPort: 6381, host: "b" },
                { ip: "10.89.0.4", hostPort: 6382, host: "c" },
            ],
        };
        assert.deepStrictEqual(problemsOf(listed), ['replicas[1].host: "c" is lost (hosts.c.lost); name another host (a, b, d)']);
        assert.deepStrictEqual(problemsOf({ hosts: LOST_C.hosts, master: { host: "c" } }), [
            'master.host: "c" is lost (hosts.c.lost); name another host (a, b, d)',
        ]);
    });

    it("refuses every host lost, one host alone included, and a lost that is not a boolean", () => {
        const allLost = "hosts: every host is lost: at least one must run the group";
        assert.deepStrictEqual(problemsOf({ hosts: { a: { address: "10.231.0.11", lost: true } } }), [allLost]);
        assert.deepStrictEqual(
            problemsOf({ hosts: { a: { ...HOSTS.a, lost: true }, b: { ...HOSTS.b, lost: true } }, master: { host: "a" }, sentinel: {} }),
            [allLost],
        );
        assert.deepStrictEqual(problemsOf({ hosts: { ...HOSTS, c: { ...HOSTS.c, lost: "yes" } } }), [
            'hosts.c.lost: must be true or false, got "yes"',
        ]);
    });

    it("judges the sentinels' layout by the live hosts only", () => {
        // c lost, three hosts left: one sentinel each, as with three hosts.
        assert.deepStrictEqual(problemsOf(LOST_C), []);
        // c lost of three: the sentinels go a, b, a, and losing a leaves too few.
        assert.deepStrictEqual(problemsOf({ hosts: { ...HOSTS, c: { ...HOSTS.c, lost: true } }, sentinel: {} }), [
            'sentinel.nodes: losing host "a" leaves 1 of 3 sentinels, fewer than the 2 a failover needs (quorum 2, majority 2); ' +
                "spread them over more hosts, or set sentinel.acceptHostLossWithoutFailover",
        ]);
        // A lost host is never "lost" again: sentinels still listed on it (as in state) don't count against it.
        const hosts = parseGroupConfig(LOST_C).hosts!;
        const sentinel = parseGroupConfig(LOST_C).sentinel!;
        const onC = { ...sentinel, nodes: sentinel.nodes.map((n, i) => (i === 0 ? n : { ...n, host: "c" })) };
        assert.strictEqual(hostLossProblem(hosts, onC), undefined);
        assert.match(
            hostLossProblem(
                hosts.map((h) => ({ ...h, lost: undefined })),
                onC,
            ) ?? "",
            /^losing host "c" leaves 1 of 3 sentinels/,
        );
    });

    it("takes lost alike from stack config YAML and from the component's arguments", () => {
        const stackYaml = [
            "config:",
            "  lost-host:password: lost-host-Passw0rd",
            "  lost-host:group:",
            "    name: mh",
            "    hosts:",
            "      a: { address: 10.231.0.11, dockerHost: unix:///run/rrg/h1/docker.sock }",
            "      b: { address: 10.231.0.12, dockerHost: ssh://ops@127.0.0.1:1 }",
            "      c: { address: 10.231.0.13, lost: true }",
            "      d: { address: 10.231.0.14 }",
            "    sentinel: {}",
        ].join("\n");
        const { config } = yaml.load(stackYaml) as { config: Record<string, unknown> };
        const before = pulumi.runtime.allConfig();
        let loaded: ReturnType<typeof loadStackConfig>;
        try {
            // As the engine hands config to the program: every value JSON-encoded, strings as they are.
            for (const [key, value] of Object.entries(config)) {
                pulumi.runtime.setConfig(key, typeof value === "string" ? value : JSON.stringify(value));
            }
            loaded = loadStackConfig(new pulumi.Config("lost-host"));
        } finally {
            pulumi.runtime.setAllConfig(before, []);
        }
        assert.deepStrictEqual(loaded.spec.hosts!.c, { address: "10.231.0.13", lost: true });
        assert.strictEqual(loaded.plan.hosts!.find((h) => h.name === "c")!.lost, true);
        assert.deepStrictEqual(loaded.plan, parseGroupConfig(LOST_C));
        const fromArgs = splitArgs(argsOfStack(loaded.spec)).spec;
        assert.deepStrictEqual(fromArgs.hosts!.c, { address: "10.231.0.13", lost: true });
        assert.deepStrictEqual(parseGroupConfig(fromArgs), loaded.plan);
        // A program's args, as any language passes them.
        const args: Components.RedisReplicationGroupArgs = { name: "mh", hosts: { ...FOUR, c: { ...FOUR.c, lost: true } }, sentinel: {} };
        assert.deepStrictEqual(parseGroupConfig(splitArgs(args).spec), loaded.plan);
    });
});

describe("what nodes on several hosts announce", () => {
    const plan = parseGroupConfig(SPREAD);
    const secrets = { password: "app-Passw0rd", creds: CREDS };

    it("a replica follows the master's host address and published port, and announces its own", () => {
        const conf = lines(renderRedisConf(plan.replicas[0]!, plan, secrets));
        assert.ok(conf.includes("replicaof 10.231.0.11 6380"), conf.join("\n"));
        assert.ok(conf.includes("replica-announce-ip 10.231.0.12") && conf.includes("replica-announce-port 6381"), conf.join("\n"));
        // The master announces too: any node may become a replica.
        assert.ok(lines(renderRedisConf(plan.master, plan, secrets)).includes("replica-announce-ip 10.231.0.11"));
    });

    it("a sentinel monitors the master on its host address and announces its own host's address and port", () => {
        const conf = lines(renderSentinelConf(plan.sentinel!.nodes[2]!, plan, secrets));
        assert.ok(conf.includes("sentinel monitor mh 10.231.0.11 6380 2"), conf.join("\n"));
        assert.ok(conf.includes("sentinel announce-ip 10.231.0.13") && conf.includes("sentinel announce-port 26382"), conf.join("\n"));
    });

    it("announces nothing on one engine", () => {
        const one = parseGroupConfig({ name: "one", sentinel: {} });
        const all = [renderRedisConf(one.replicas[0]!, one, secrets), renderSentinelConf(one.sentinel!.nodes[0]!, one, secrets)].join("\n");
        assert.ok(!/announce/.test(all), all);
    });
});

describe("RedisReplicationGroup on several hosts (mocks)", function () {
    this.timeout(30_000);
    const registered: Registered[] = [];
    let group: Components.RedisReplicationGroup;

    before(async () => {
        await pulumi.runtime.setMocks(recordingMocks(registered), PROJECT, "hosts", false);
        const components = await import("../../components");
        group = new components.RedisReplicationGroup("mh", {
            ...SPREAD,
            hosts: HOSTS,
            password: "hosts-unit-Passw0rd",
        } as Components.RedisReplicationGroupArgs);
        await promiseOf(group.replication);
    });

    const one = (name: string) => {
        const r = registered.find((x) => x.name === name);
        assert.ok(r, `no registration ${name}: ${registered.map((x) => x.name).join(", ")}`);
        return r;
    };
    /** The host whose provider a resource was registered with. */
    const hostOfResource = (name: string) => /::mh-(\w+)-docker::/.exec(one(name).provider ?? "")?.[1];

    it("declares a Docker provider per host, with its engine's address", () => {
        const providers = registered.filter((r) => r.type === "pulumi:providers:docker");
        assert.deepStrictEqual(providers.map((p) => `${p.name} ${p.inputs.host ?? "(default)"}`).sort(), [
            "mh-a-docker unix:///run/rrg/h1/docker.sock",
            "mh-b-docker ssh://ops@127.0.0.1:1",
            "mh-c-docker (default)",
        ]);
    });

    it("makes each host's image and network with its provider, and each node's container and volume on its host", () => {
        for (const h of ["a", "b", "c"]) {
            assert.strictEqual(hostOfResource(`mh-${h}-image`), h);
            assert.strictEqual(hostOfResource(`mh-${h}-network`), h);
        }
        const placed = ["master", "replica-1", "replica-2", "sentinel-1", "sentinel-2", "sentinel-3"].map(
            (n) => `${n}@${hostOfResource(`mh-${n}`)}`,
        );
        assert.deepStrictEqual(placed, ["master@a", "replica-1@b", "replica-2@c", "sentinel-1@a", "sentinel-2@b", "sentinel-3@c"]);
        assert.strictEqual(hostOfResource("mh-replica-2-data"), "c");
        const ports = one("mh-replica-1").inputs.ports;
        assert.deepStrictEqual(ports, [{ internal: 6379, external: 6381, ip: "10.231.0.12", protocol: "tcp" }]);
    });

    it("checks each engine in its own preflight, with only its nodes", () => {
        const b = one("mh-b-preflight").inputs;
        assert.strictEqual(b.docker, "ssh://ops@127.0.0.1:1");
        assert.strictEqual(b.hostIp, "10.231.0.12");
        assert.deepStrictEqual(b.names.containers, ["mh-replica-1", "mh-sentinel-2"]);
        assert.strictEqual(one("mh-c-preflight").inputs.docker, undefined);
    });

    it("checks through the hosts' addresses: what each node announces is what the check expects", () => {
        const check = registered.find((r) => r.name === "mh-check")!.inputs;
        assert.strictEqual(check.masterEndpoint, "10.231.0.11:6380");
        assert.strictEqual(`${check.masterIp}:${check.masterPort}`, "10.231.0.11:6380");
        assert.deepStrictEqual(
            check.replicas.map((r: { ip: string; port: number }) => `${r.ip}:${r.port}`),
            ["10.231.0.12:6381", "10.231.0.13:6382"],
        );
    });

    it("hands out the hosts' addresses: connection, sentinelClient without a natMap, and the master's host", async () => {
        const connection = reveal(await promiseOf(group.connection));
        assert.strictEqual(`${connection.master.host}:${connection.master.port}`, "10.231.0.11:6380");
        assert.deepStrictEqual(
            connection.master.sentinels.endpoints.map((e: { host: string }) => e.host),
            ["10.231.0.11", "10.231.0.12", "10.231.0.13"],
        );
        const recipe = (await promiseOf(group.sentinelClient))!;
        assert.deepStrictEqual(recipe.natMap, {});
        assert.deepStrictEqual(recipe.sentinels, [
            { host: "10.231.0.11", port: 26380 },
            { host: "10.231.0.12", port: 26381 },
            { host: "10.231.0.13", port: 26382 },
        ]);
        assert.strictEqual((await promiseOf(group.replication)).masterHost, "a");
    });

    it("takes a Docker provider the program made for a host, instead of making one; refuses one beside dockerHost or for no host", async () => {
        const docker = await import("@pulumi/docker");
        const components = await import("../../components");
        const mine = new docker.Provider("my-engine", { host: "unix:///run/my/docker.sock" });
        const hosts = { a: { address: "10.231.0.11" }, b: { address: "10.231.0.12" } };
        const own = new components.RedisReplicationGroup("own", { hosts, password: "hosts-unit-Passw0rd" }, { hostProviders: { a: mine } });
        await promiseOf(own.replication);
        assert.deepStrictEqual(
            registered.filter((r) => r.type === "pulumi:providers:docker" && r.name.startsWith("own")).map((r) => r.name),
            ["own-b-docker"],
        );
        assert.match(one("own-master").provider ?? "", /::my-engine::/);
        assert.strictEqual(one("own-a-preflight").inputs.docker, "unix:///run/my/docker.sock");
        const live = reveal(one("own-live-config").inputs);
        assert.deepStrictEqual(
            live.dataNodes.map((n: { docker?: string }) => n.docker),
            ["unix:///run/my/docker.sock", undefined, "unix:///run/my/docker.sock"],
        );
        const messageOf = (f: () => unknown) => {
            try {
                f();
            } catch (err) {
                return (err as Error).message;
            }
            return "";
        };
        const make = (args: Components.RedisReplicationGroupArgs, hostProviders: Record<string, typeof mine>) => () =>
            new components.RedisReplicationGroup("bad", { ...args, password: "hosts-unit-Passw0rd" }, { hostProviders });
        assert.match(messageOf(make({ hosts: HOSTS }, { a: mine })), /hostProviders\.a: give hosts\.a\.dockerHost or a provider, not both/);
        assert.match(messageOf(make({ hosts }, { z: mine })), /hostProviders\.z: "z" is not one of hosts \(a, b\)/);
        assert.match(messageOf(make({}, { a: mine })), /hostProviders: names hosts, but the group has no hosts/);
    });
});

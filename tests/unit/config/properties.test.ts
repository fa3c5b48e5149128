// parseGroupConfig under thousands of random mutations of good configs (fast-check): whatever it
// is given, it either returns a plan whose invariants hold or throws one GroupConfigError that
// names each problem by its property path. No other exception ever escapes. Inputs that once
// broke it are kept at the end as fixed cases, each with the seed and path that found it.
import * as assert from "assert";
import fc from "fast-check";
import { GroupConfigError, GroupPlan, GroupSpec, parseGroupConfig, settingsOf } from "../../../config";
import {
    DEFAULT_MASTER_HOST_PORT,
    DEFAULT_SENTINEL_COUNT,
    DOCKER0,
    MAX_REPLICAS,
    MAX_SENTINELS,
    MAXMEMORY_POLICIES,
    RESTART_POLICIES,
    SENTINEL_PORT_OFFSET,
} from "../../../config/defaults";
import { cidrsOverlap, intToIp, ipToInt, parseCidr } from "../../../config/ipv4";
import { problemsOf } from "../../support/configProblems";
import { ONE_MASTER_TWO_REPLICAS } from "../../support/fixtures";

type Obj = Record<string, unknown>;
type Path = (string | number)[];

// ---------------------------------------------------------------------------------------------
// What must hold of every outcome

/** A refusal: one GroupConfigError with at least one problem, each with a path and a reason. */
function assertConfigError(err: unknown): void {
    if (!(err instanceof GroupConfigError)) {
        assert.fail(`threw ${err instanceof Error ? err.stack : String(err)}, not a GroupConfigError`);
    }
    assert.ok(err.problems.length > 0, "a GroupConfigError with no problems");
    for (const p of err.problems) {
        assert.strictEqual(typeof p.propertyPath, "string", `property path ${String(p.propertyPath)}`);
        assert.ok(typeof p.reason === "string" && p.reason.trim() !== "", `empty reason at ${p.propertyPath}`);
    }
}

/**
 * A plan the containers can be made from: every IP a dotted-quad host address of the subnet (when
 * one is known) other than the gateway, no IP or host port taken twice, ports whole and in range,
 * node counts within their limits, and a quorum the sentinels can reach.
 */
function assertInvariants(plan: GroupPlan): void {
    const nodes = [plan.master, ...plan.replicas, ...(plan.sentinel?.nodes ?? [])];
    const ips = nodes.map((n) => {
        const ip = ipToInt(n.ip);
        // Docker (Go's net/netip) refuses other spellings, and inet_aton reads 010 as octal 8.
        assert.ok(ip !== undefined && intToIp(ip) === n.ip, `${n.key}: ${JSON.stringify(n.ip)} is not a dotted-quad IPv4 address`);
        return ip;
    });
    if (plan.network.subnet !== undefined) {
        const cidr = parseCidr(plan.network.subnet);
        if (typeof cidr === "string") assert.fail(`plan.network.subnet: ${cidr}`);
        const broadcast = cidr.base + cidr.size - 1;
        const gateway = plan.network.gateway === undefined ? undefined : ipToInt(plan.network.gateway);
        if (plan.network.gateway !== undefined) {
            assert.ok(gateway !== undefined && gateway > cidr.base && gateway < broadcast, `gateway ${plan.network.gateway}`);
        }
        nodes.forEach((n, i) => {
            const ip = ips[i]!;
            const where = `${n.key} ${n.ip} in ${plan.network.subnet}`;
            assert.ok(ip >= cidr.base && ip <= broadcast, `${where}: outside the subnet`);
            assert.notStrictEqual(ip, cidr.base, `${where}: the network address`);
            assert.notStrictEqual(ip, broadcast, `${where}: the broadcast address`);
            assert.notStrictEqual(ip, gateway, `${where}: the gateway`);
        });
    }
    assert.strictEqual(new Set(ips).size, ips.length, `an IP taken twice: ${nodes.map((n) => n.ip).join(" ")}`);
    const ports = nodes.map((n) => n.hostPort);
    assert.strictEqual(new Set(ports).size, ports.length, `a host port taken twice: ${ports.join(" ")}`);
    for (const n of nodes) {
        assert.ok(Number.isInteger(n.hostPort) && n.hostPort >= 1 && n.hostPort <= 65535, `${n.key}: host port ${n.hostPort}`);
    }
    assert.strictEqual(new Set(nodes.map((n) => n.key)).size, nodes.length, "a node key taken twice");
    assert.ok(plan.replicas.length >= 1 && plan.replicas.length <= MAX_REPLICAS, `${plan.replicas.length} replicas`);
    if (plan.sentinel) {
        const { quorum, nodes: sentinels } = plan.sentinel;
        assert.ok(sentinels.length >= 1 && sentinels.length <= MAX_SENTINELS, `${sentinels.length} sentinels`);
        assert.ok(
            Number.isInteger(quorum) && quorum >= 1 && quorum <= sentinels.length,
            `quorum ${quorum} of ${sentinels.length} sentinels`,
        );
    }
}

/** The property itself: a plan whose invariants hold, or a GroupConfigError, and nothing else. */
function checkOutcome(raw: unknown): void {
    let plan: GroupPlan;
    try {
        plan = parseGroupConfig(raw);
    } catch (err) {
        assertConfigError(err);
        return;
    }
    assertInvariants(plan);
}

// ---------------------------------------------------------------------------------------------
// Good configs

/** A good config, and every node's address in it, listed or derived (master, replicas, sentinels). */
interface GoodCase {
    spec: GroupSpec;
    base: number;
    size: number;
    /** The created network's gateway, as an address. */
    gateway?: number;
    ips: string[];
    ports: number[];
    /** Where the spec could name an IP or a host port: the master always, listed nodes too. */
    ipPaths: Path[];
    portPaths: Path[];
    sentinelCount?: number;
}

/** Private ranges to draw subnets from. */
const PARENTS: [number, number][] = [
    [ipToInt("10.0.0.0")!, 8],
    [ipToInt("192.168.0.0")!, 16],
    [ipToInt("172.16.0.0")!, 12],
];

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const layoutChoices = fc
    .record({
        parent: fc.constantFrom(...PARENTS),
        prefix: fc.integer({ min: 16, max: 28 }),
        block: fc.nat(),
        // A network the group creates half the time, an existing one with or without its subnet otherwise.
        network: fc.constantFrom("created", "created", "existing", "existingWithoutSubnet"),
        /** Picks for an explicit gateway and master IP; left out, they are derived. */
        gateway: optional(fc.nat()),
        masterIp: optional(fc.nat()),
        masterPort: optional(fc.integer({ min: 1024, max: 40000 })),
        replicaCount: fc.integer({ min: 1, max: 6 }),
        replicasListed: fc.boolean(),
        sentinel: optional(
            fc.record({ count: optional(fc.integer({ min: 1, max: 7 })), listed: fc.boolean(), quorum: optional(fc.nat()) }),
        ),
        ipPicks: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
        portPicks: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
    })
    .map((c) => {
        const size = 2 ** (32 - c.prefix);
        const [parentBase, parentPrefix] = c.parent;
        return { ...c, size, base: parentBase + (c.block % 2 ** (c.prefix - parentPrefix)) * size };
    })
    .filter((c) => !cidrsOverlap({ base: c.base, prefix: c.prefix, size: c.size }, DOCKER0));

type LayoutChoices = typeof layoutChoices extends fc.Arbitrary<infer T> ? T : never;

/**
 * The addresses of a good config. The gateway, the master and the replicas take host offsets
 * below half the subnet and the sentinels the upper half, so that listed and derived addresses
 * never meet; counted replicas follow the master (skipping the gateway), derived sentinels count
 * down from the top, and derived ports count up from the master's, as parseGroupConfig lays them out.
 */
function goodLayout(c: LayoutChoices): GoodCase {
    const { base, size } = c;
    const half = size / 2;
    const taken = new Set<number>();
    const ipPicks = [...c.ipPicks];
    /** A free offset from lo to hi, from pick on. */
    const pickOffset = (pick: number | undefined, lo: number, hi: number): number => {
        let off = lo + ((pick ?? ipPicks.shift() ?? 0) % (hi - lo + 1));
        while (taken.has(off)) off = off === hi ? lo : off + 1;
        taken.add(off);
        return off;
    };
    const ipOf = (off: number) => intToIp(base + off);
    const created = c.network === "created";
    const withSubnet = c.network !== "existingWithoutSubnet";
    const n = Math.min(c.replicaCount, half - 4);

    const gateway = !created ? undefined : c.gateway === undefined ? 1 : pickOffset(c.gateway, 1, half - 1);
    if (gateway !== undefined) taken.add(gateway);
    const masterExplicit = c.masterIp !== undefined || !withSubnet;
    // Counted replicas follow the master and may skip the gateway: leave them room below half.
    const masterHi = c.replicasListed ? half - 1 : half - 2 - n;
    let master = masterExplicit ? pickOffset(c.masterIp, 1, masterHi) : gateway === 1 ? 2 : 1;
    taken.add(master);
    let replicas: number[] = [];
    if (c.replicasListed) {
        replicas = Array.from({ length: n }, () => pickOffset(undefined, 1, half - 1));
        if (!withSubnet) {
            // Without a subnet, derived sentinels follow the last replica: make it the highest data node.
            replicas.sort((a, b) => a - b);
            if (master > replicas[n - 1]!) [master, replicas[n - 1]] = [replicas[n - 1]!, master];
        }
    } else {
        for (let off = master, i = 0; i < n; i++) {
            off = off + 1 === gateway ? off + 2 : off + 1;
            replicas.push(off);
        }
    }
    const lastData = replicas[n - 1]!;

    const s = c.sentinel?.count ?? DEFAULT_SENTINEL_COUNT;
    let sentinels: number[] = [];
    if (c.sentinel?.listed) sentinels = Array.from({ length: s }, () => pickOffset(undefined, half, size - 2));
    else if (c.sentinel && withSubnet) sentinels = Array.from({ length: s }, (_, i) => size - 2 - i);
    else if (c.sentinel) sentinels = Array.from({ length: s }, (_, i) => lastData + 1 + i);

    // Ports: the derived ones first, then listed ones anywhere else.
    const masterPort = c.masterPort ?? DEFAULT_MASTER_HOST_PORT;
    const usedPorts = new Set<number>([masterPort]);
    const derivedReplicaPorts = c.replicasListed ? undefined : replicas.map((_, i) => masterPort + 1 + i);
    const derivedSentinelPorts = c.sentinel?.listed ? undefined : sentinels.map((_, i) => masterPort + SENTINEL_PORT_OFFSET + i);
    for (const p of [...(derivedReplicaPorts ?? []), ...(derivedSentinelPorts ?? [])]) usedPorts.add(p);
    const portPicks = [...c.portPicks];
    const pickPort = (): number => {
        let p = 1 + ((portPicks.shift() ?? 0) % 65535);
        while (usedPorts.has(p)) p = p === 65535 ? 1 : p + 1;
        usedPorts.add(p);
        return p;
    };
    const replicaPorts = derivedReplicaPorts ?? replicas.map(() => pickPort());
    const sentinelPorts = derivedSentinelPorts ?? sentinels.map(() => pickPort());

    const spec: GroupSpec = {};
    const subnet = `${intToIp(base)}/${c.prefix}`;
    if (c.network === "created") spec.network = c.gateway === undefined ? { subnet } : { subnet, gateway: ipOf(gateway!) };
    else spec.network = withSubnet ? { existing: "shared", subnet } : { existing: "shared" };
    spec.master = {
        ...(masterExplicit ? { ip: ipOf(master) } : {}),
        ...(c.masterPort !== undefined ? { hostPort: masterPort } : {}),
    };
    spec.replicas = c.replicasListed ? replicas.map((off, i) => ({ ip: ipOf(off), hostPort: replicaPorts[i]! })) : n;
    if (c.sentinel) {
        spec.sentinel = {
            ...(c.sentinel.count !== undefined ? { count: s } : {}),
            ...(c.sentinel.quorum !== undefined ? { quorum: 1 + (c.sentinel.quorum % s) } : {}),
            ...(c.sentinel.listed ? { nodes: sentinels.map((off, i) => ({ ip: ipOf(off), hostPort: sentinelPorts[i]! })) } : {}),
        };
    }
    const listedPaths = (path: string[], count: number, key: string): Path[] => Array.from({ length: count }, (_, i) => [...path, i, key]);
    return {
        spec,
        base,
        size,
        gateway: gateway === undefined ? undefined : base + gateway,
        ips: [master, ...replicas, ...sentinels].map(ipOf),
        ports: [masterPort, ...replicaPorts, ...sentinelPorts],
        ipPaths: [
            ["master", "ip"],
            ...(c.replicasListed ? listedPaths(["replicas"], n, "ip") : []),
            ...(c.sentinel?.listed ? listedPaths(["sentinel", "nodes"], s, "ip") : []),
        ],
        portPaths: [
            ["master", "hostPort"],
            ...(c.replicasListed ? listedPaths(["replicas"], n, "hostPort") : []),
            ...(c.sentinel?.listed ? listedPaths(["sentinel", "nodes"], s, "hostPort") : []),
        ],
        sentinelCount: c.sentinel ? s : undefined,
    };
}

/** The settings besides the addresses, each left out or set to a good value. */
const goodSettings = fc
    .record(
        {
            name: fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/),
            hostIp: fc.constantFrom("127.0.0.1", "127.0.1.1", "0.0.0.0", "192.168.1.10"),
            auth: fc.boolean(),
            persistence: fc.record(
                {
                    appendonly: fc.boolean(),
                    save: fc.array(fc.constantFrom("3600 1", "300 100", "60 10000"), { maxLength: 3 }),
                    volume: fc.constantFrom("named", "hostPath"),
                    retain: fc.boolean(),
                },
                { requiredKeys: [] },
            ),
            replication: fc.record(
                {
                    minReplicasToWrite: fc.integer({ min: 0, max: 1 }),
                    minReplicasMaxLag: fc.integer({ min: 1, max: 3600 }),
                    disklessSync: fc.boolean(),
                    disklessSyncDelay: fc.integer({ min: 0, max: 300 }),
                },
                { requiredKeys: [] },
            ),
            maxmemory: fc.stringMatching(/^[1-9][0-9]{0,3}(mb|gb|kb)?$/),
            maxmemoryPolicy: fc.constantFrom(...MAXMEMORY_POLICIES),
            redisConfig: fc.dictionary(
                fc.constantFrom("maxclients", "hz", "timeout", "tcp-keepalive", "databases", "lazyfree-lazy-eviction"),
                fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom("yes", "no", "100"), fc.boolean()),
                { maxKeys: 3 },
            ),
            resources: fc.record(
                { memoryMb: fc.integer({ min: 16, max: 4096 }), cpus: fc.constantFrom(0.25, 0.5, 1, 1.5, 2) },
                { requiredKeys: [] },
            ),
            image: fc.oneof(fc.record({ name: fc.constant("redis:7") }), fc.record({ baseImage: fc.constant("redis:7.2-alpine") })),
            restart: fc.constantFrom(...RESTART_POLICIES),
            checkTimeoutSeconds: fc.constantFrom(0.5, 1, 30, 60, 3600),
            checkPollIntervalMs: fc.integer({ min: 1, max: 60_000 }),
            verify: fc.constantFrom("changes", "always"),
        },
        { requiredKeys: [] },
    )
    .map(({ hostIp, persistence, ...rest }): GroupSpec => ({
        ...rest,
        // Without auth, Redis may only be published on loopback.
        ...(hostIp !== undefined && (rest.auth !== false || hostIp.startsWith("127.")) ? { hostIp } : {}),
        ...(persistence
            ? { persistence: persistence.volume === "hostPath" ? { ...persistence, hostPath: "/srv/redis-data" } : persistence }
            : {}),
    }));

const goodSentinelSettings = fc.record(
    {
        downAfterMilliseconds: fc.integer({ min: 100, max: 3_600_000 }),
        failoverTimeout: fc.integer({ min: 1000, max: 86_400_000 }),
        parallelSyncs: fc.integer({ min: 1, max: MAX_REPLICAS }),
        masterName: fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/),
    },
    { requiredKeys: [] },
);

/** The fixture every other config test starts from, as a good case. */
const FIXTURE_CASE: GoodCase = {
    spec: ONE_MASTER_TWO_REPLICAS,
    base: ipToInt("10.89.0.0")!,
    size: 256,
    gateway: ipToInt("10.89.0.1")!,
    ips: ["10.89.0.2", "10.89.0.3", "10.89.0.4"],
    ports: [6380, 6381, 6382],
    ipPaths: [
        ["master", "ip"],
        ["replicas", 0, "ip"],
        ["replicas", 1, "ip"],
    ],
    portPaths: [
        ["master", "hostPort"],
        ["replicas", 0, "hostPort"],
        ["replicas", 1, "hostPort"],
    ],
};

const goodCase: fc.Arbitrary<GoodCase> = fc.oneof(
    { arbitrary: fc.constant(FIXTURE_CASE), weight: 1 },
    {
        arbitrary: fc.tuple(layoutChoices, goodSettings, goodSentinelSettings).map(([choices, settings, sentinelSettings]) => {
            const g = goodLayout(choices);
            const { sentinel, ...addresses } = g.spec;
            return { ...g, spec: { ...settings, ...addresses, ...(sentinel ? { sentinel: { ...sentinelSettings, ...sentinel } } : {}) } };
        }),
        weight: 6,
    },
);

// ---------------------------------------------------------------------------------------------
// Mutations

/** One change to a config: a value put at a path (objects made on the way), or a path removed. */
type Edit = { path: Path; value: unknown } | { path: Path; remove: true };

/** Every setting's path, whether or not a given config has it; [] is the whole config. */
const KNOWN_PATHS: Path[] = [
    [],
    ["name"],
    ["network"],
    ["network", "subnet"],
    ["network", "gateway"],
    ["network", "existing"],
    ["master"],
    ["master", "ip"],
    ["master", "hostPort"],
    ["replicas"],
    ["replicas", 0],
    ["replicas", 0, "ip"],
    ["replicas", 1, "hostPort"],
    ["hostIp"],
    ["auth"],
    ["persistence"],
    ["persistence", "appendonly"],
    ["persistence", "save"],
    ["persistence", "save", 0],
    ["persistence", "volume"],
    ["persistence", "hostPath"],
    ["persistence", "retain"],
    ["replication"],
    ["replication", "minReplicasToWrite"],
    ["replication", "minReplicasMaxLag"],
    ["replication", "disklessSync"],
    ["replication", "disklessSyncDelay"],
    ["maxmemory"],
    ["maxmemoryPolicy"],
    ["redisConfig"],
    ["redisConfig", "maxclients"],
    ["resources"],
    ["resources", "memoryMb"],
    ["resources", "cpus"],
    ["image"],
    ["image", "name"],
    ["image", "baseImage"],
    ["restart"],
    ["checkTimeoutSeconds"],
    ["checkPollIntervalMs"],
    ["verify"],
    ["sentinel"],
    ["sentinel", "count"],
    ["sentinel", "quorum"],
    ["sentinel", "downAfterMilliseconds"],
    ["sentinel", "failoverTimeout"],
    ["sentinel", "parallelSyncs"],
    ["sentinel", "masterName"],
    ["sentinel", "nodes"],
    ["sentinel", "nodes", 0],
    ["sentinel", "nodes", 0, "ip"],
    ["sentinel", "nodes", 0, "hostPort"],
];

/** The objects a key can be added to, in any config. */
const OBJECT_PATHS: Path[] = [
    [],
    ["network"],
    ["master"],
    ["persistence"],
    ["replication"],
    ["resources"],
    ["image"],
    ["sentinel"],
    ["redisConfig"],
];

/** Every path in value, containers included. */
function pathsIn(value: unknown, at: Path = []): Path[] {
    if (typeof value !== "object" || value === null) return [at];
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return [at, ...entries.flatMap(([k, v]) => pathsIn(v, [...at, k]))];
}

/** Keys that are typos of known ones, known in another object, prototype names, or not names at all. */
const oddKey = fc.oneof(
    fc.constantFrom(
        "replica",
        "Replicas",
        "hostport",
        "IP",
        "ip ",
        " subnet",
        "gatway",
        "count",
        "quorom",
        "nodes",
        "name",
        "",
        "a b",
        "0",
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        "valueOf",
        "maxclients",
        "save",
        "appendonly",
        "BIND",
        "port",
        "min-slaves-to-write",
        "maxmemory",
    ),
    fc.string({ maxLength: 12 }),
);

/** Values of every type: JSON's and a program's (bigints, boxed values, dates, maps, cycles). */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom(
        null,
        undefined,
        NaN,
        Infinity,
        -Infinity,
        -0,
        0,
        -1,
        1.5,
        2 ** 53,
        1e308,
        "",
        " ",
        "a b",
        " x ",
        "true",
        "6380",
        "10.89.0.2",
        true,
        false,
        [],
        {},
        [null],
        [[]],
        { ip: null },
    ),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.bigInt(),
    fc.anything({
        maxDepth: 2,
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withNullPrototype: true,
        withSet: true,
        withSparseArray: true,
        withTypedArray: true,
    }),
    fc.constant(null).map(() => {
        const cycle: Obj = { ip: "10.89.0.2" };
        cycle.self = cycle;
        return cycle;
    }),
);

/** An IP: another node's, a special address of the subnet, one outside it, or a misspelt one. */
function ipValue(g: GoodCase): fc.Arbitrary<unknown> {
    const broadcast = g.base + g.size - 1;
    const special = [g.base, broadcast, g.base - 1, broadcast + 1, ...(g.gateway === undefined ? [] : [g.gateway])]
        .filter((n) => n >= 0 && n < 2 ** 32)
        .map(intToIp);
    const misspelt = (ip: string, octet: number) => {
        const parts = ip.split(".");
        return [
            parts.map((o, i) => (i === octet ? `0${o}` : o)).join("."),
            parts.map((o, i) => (i === octet ? o.padStart(3, "0") : o)).join("."),
            ` ${ip}`,
            `${ip} `,
            `${ip}.`,
            `${ip}/24`,
            ip.replace(".", ". "),
            ip.replace(/[0-9]/g, (d) => String.fromCharCode(0x660 + Number(d))),
            parts.slice(0, 3).join("."),
            `${ip}.1`,
        ];
    };
    return fc.oneof(
        fc.constantFrom(...g.ips),
        fc.constantFrom(...special),
        fc.integer({ min: 0, max: g.size - 1 }).map((off) => intToIp(g.base + off)),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(intToIp),
        fc.tuple(fc.constantFrom(...g.ips), fc.integer({ min: 0, max: 3 })).chain(([ip, o]) => fc.constantFrom(...misspelt(ip, o))),
        fc.constantFrom("", "localhost", "256.0.0.1", "1.2.3", "::1", "0.0.0.0", "255.255.255.255", "10.89.0.300", "1e3.0.0.1"),
    );
}

/** A host port: another node's, the edges of the range and past them, not whole, not a number. */
function portValue(g: GoodCase): fc.Arbitrary<unknown> {
    return fc.oneof(
        fc.constantFrom(...g.ports),
        fc.constantFrom(0, -1, 1, 65535, 65536, 1.5, -0, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53 + 2, 1e21, Number.MIN_VALUE),
        fc.constantFrom("6380", " 6380", "6380 ", "0x18ec", null, true, [6380], { port: 6380 }),
        fc.integer({ min: -70_000, max: 140_000 }),
        fc.double(),
    );
}

/** A node count or quorum: zero, negative, fractional, huge, not a number. */
const countValue = fc.oneof(
    fc.constantFrom(0, -1, 1, 2, 7, 9, 10, 32, 33, 1e9, 2 ** 53, 1.5, NaN, Infinity, -0, "3", " 3", [], {}, null),
    fc.integer({ min: -5, max: 50 }),
    fc.integer(),
);

/** A node as a list holds it, anywhere in the subnet, on any port. */
const nodeIn = (g: GoodCase) =>
    fc.record({
        ip: fc.integer({ min: 0, max: g.size - 1 }).map((off) => intToIp(g.base + off)),
        hostPort: fc.integer({ min: 1, max: 65535 }),
    });

const set =
    (path: Path) =>
    (value: unknown): Edit => ({ path, value });
const put = ([path, value]: [Path, unknown]): Edit => ({ path, value });

function edit(g: GoodCase): fc.Arbitrary<Edit> {
    const paths = [...KNOWN_PATHS, ...pathsIn(g.spec)];
    const objectPaths = [...OBJECT_PATHS, ...g.ipPaths.map((p) => p.slice(0, -1))];
    const edits: fc.Arbitrary<Edit>[] = [
        // A value of any type anywhere, or a setting left out.
        fc.tuple(fc.constantFrom(...paths), oddValue).map(put),
        fc.constantFrom(...paths).map((path): Edit => ({ path, remove: true })),
        // IPs: duplicates, the network, broadcast and gateway addresses, outside the subnet, misspelt.
        fc.tuple(fc.constantFrom(...g.ipPaths, ["network", "gateway"], ["hostIp"]), ipValue(g)).map(put),
        // Ports: duplicates, out of range, NaN, Infinity, negative, fractional, strings.
        fc.tuple(fc.constantFrom(...g.portPaths), portValue(g)).map(put),
        // Counts: zero, negative, huge, fractional; and a quorum above the sentinel count.
        fc.tuple(fc.constantFrom<Path>(["replicas"], ["sentinel", "count"], ["sentinel", "quorum"]), countValue).map(put),
        fc.integer({ min: 1, max: 4 }).map((k) => set(["sentinel", "quorum"])((g.sentinelCount ?? DEFAULT_SENTINEL_COUNT) + k)),
        // Lists of nodes, as long as 12: more sentinels than allowed, a count that does not match.
        fc.array(nodeIn(g), { maxLength: 12 }).map(set(["sentinel", "nodes"])),
        fc.oneof(fc.integer({ min: 1, max: 8 }), fc.array(nodeIn(g), { maxLength: 8 })).map(set(["replicas"])),
        // Unknown keys, in any object.
        fc
            .tuple(fc.constantFrom(...objectPaths), oddKey, fc.oneof(oddValue, fc.constant("x"), fc.constant(1)))
            .map(([path, key, value]) => ({
                path: [...path, key],
                value,
            })),
        // Another subnet: anywhere, any prefix, host bits set, or this one grown and shrunk.
        fc
            .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 33 }), fc.boolean())
            .map(([addr, prefix, mask]) => {
                const size = 2 ** (32 - Math.min(prefix, 32));
                return `${intToIp(mask ? addr - (addr % size) : addr)}/${prefix}`;
            })
            .map(set(["network", "subnet"])),
        fc
            .integer({ min: 8, max: 30 })
            .map((prefix) => set(["network", "subnet"])(`${intToIp(g.base - (g.base % 2 ** (32 - prefix)))}/${prefix}`)),
        // An existing network, of a good or a bad name.
        fc.constantFrom("shared", "bad name", "", "-x", "a".repeat(80)).map(set(["network", "existing"])),
    ];
    return fc.oneof(...edits);
}

/** Plain objects and lists are walked into; anything else on the way is replaced by one. */
const isPlain = (v: unknown): v is Obj =>
    typeof v === "object" && v !== null && (Array.isArray(v) || [Object.prototype, null].includes(Object.getPrototypeOf(v)));

/** The config with one edit made. Containers on the path are copied, so a shared value is never changed. */
function applyEdit(raw: unknown, e: Edit): unknown {
    const { path } = e;
    if (path.length === 0) return "remove" in e ? undefined : e.value;
    const copy = (v: Obj): Obj => (Array.isArray(v) ? [...(v as unknown[])] : { ...v }) as Obj;
    const root = isPlain(raw) ? copy(raw) : {};
    let at = root;
    for (let i = 0; i < path.length - 1; i++) {
        const key = String(path[i]);
        const next = at[key];
        if (!isPlain(next) && "remove" in e) return root;
        const made = isPlain(next) ? copy(next) : typeof path[i + 1] === "number" ? [] : {};
        Object.defineProperty(at, key, { value: made, enumerable: true, writable: true, configurable: true });
        at = made as Obj;
    }
    const key = String(path[path.length - 1]);
    // defineProperty, as JSON.parse does: an own "__proto__" key, not a new prototype. Removing
    // from a list leaves a hole, as `delete` in a program does.
    if ("remove" in e) delete at[key];
    else Object.defineProperty(at, key, { value: e.value, enumerable: true, writable: true, configurable: true });
    return root;
}

const mutated: fc.Arbitrary<unknown> = goodCase.chain((g) =>
    fc.array(edit(g), { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce<unknown>(applyEdit, g.spec)),
);

// ---------------------------------------------------------------------------------------------

describe("parseGroupConfig, property-based", () => {
    it("accepts every good config, with the addresses it lists or derives (500 runs)", () => {
        fc.assert(
            fc.property(goodCase, (g) => {
                const plan = parseGroupConfig(g.spec);
                assertInvariants(plan);
                const nodes = [plan.master, ...plan.replicas, ...(plan.sentinel?.nodes ?? [])];
                assert.deepStrictEqual(
                    nodes.map((n) => n.ip),
                    g.ips,
                );
                assert.deepStrictEqual(
                    nodes.map((n) => n.hostPort),
                    g.ports,
                );
            }),
            { numRuns: 500 },
        );
    });

    it("returns a plan whose invariants hold, or throws a GroupConfigError, for mutated good configs (2000 runs)", () => {
        fc.assert(fc.property(mutated, checkOutcome), { numRuns: 2000 });
    });

    it("returns a plan whose invariants hold, or throws a GroupConfigError, for values of any kind (500 runs)", () => {
        const anyKind = fc.anything({
            maxDepth: 3,
            withBigInt: true,
            withBoxedValues: true,
            withNullPrototype: true,
            withSparseArray: true,
        });
        const topKeys = KNOWN_PATHS.filter((p) => p.length === 1).map((p) => String(p[0]));
        const anyValues = fc.dictionary(fc.oneof(fc.constantFrom(...topKeys), oddKey), anyKind, { maxKeys: 6 });
        fc.assert(fc.property(fc.oneof(anyKind, anyValues), checkOutcome), { numRuns: 500 });
    });
});

// Inputs on which the properties above once failed, each with the seed and path of the run that
// found it (replayable with fc.assert's { seed, path } against this file's arbitraries at the time).
// Long generated configs are reduced to the edit that mattered.
describe("parseGroupConfig, on the inputs fast-check found", () => {
    /** Refused with a GroupConfigError, one of whose problems starts with `want`. */
    const assertRefused = (raw: unknown, want: string) => {
        checkOutcome(raw);
        const problems = problemsOf(raw);
        assert.ok(
            problems.some((p) => p.startsWith(want)),
            `expected "${want}...", got:\n${problems.join("\n") || "(accepted)"}`,
        );
    };
    const sentinelAt = (i: number) => ({ ip: `10.89.0.${10 + i}`, hostPort: 30000 + i });

    it("names a bigint, rather than throwing JSON's TypeError (seed -347764959, path 5:5:3:3:3:4:4:4:4:3)", () => {
        assertRefused({ replicas: [0n] }, "replicas[0]: must be an object, got bigint 0");
        assertRefused(
            { ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.2", hostPort: 6380n } },
            "master.hostPort: must be a whole number",
        );
        assertRefused({ ...ONE_MASTER_TWO_REPLICAS, replicas: { count: 2n } }, "replicas: must be a count or a list");
    });

    it("names a value that refers to itself, rather than throwing JSON's TypeError (seed -1906156227, path 20:0)", () => {
        const cycle: Obj = { ip: "10.89.0.2" };
        cycle.self = cycle;
        assertRefused(
            {
                ...ONE_MASTER_TWO_REPLICAS,
                replicas: [
                    { ip: cycle, hostPort: 6381 },
                    { ip: "10.89.0.4", hostPort: 6382 },
                ],
            },
            "replicas[0].ip: must be a string, got object",
        );
    });

    it('takes a directive named like an Object.prototype member, such as "constructor" (seed 880529191, path 2659:4:3:3:3)', () => {
        const reported = {
            ...ONE_MASTER_TWO_REPLICAS,
            network: { subnet: "0.0.0.0/0", gateway: "10.89.0.1" },
            redisConfig: { constructor: "x" },
        };
        assertRefused(reported, "network.subnet: 0.0.0.0/0: the prefix must be between /8 and /29");
        assert.ok(!problemsOf(reported).some((p) => p.startsWith("redisConfig")));
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, redisConfig: { constructor: "x", hasOwnProperty: 1 } });
        assert.deepStrictEqual(plan.redisConfig, { constructor: "x", hasownproperty: "1" });
        assert.strictEqual(settingsOf(plan).constructor, "x");
    });

    it("refuses more than 9 listed sentinels when sentinel.count is left out (seed 1099042233, path 54:5:3:5:5:10:…:57:57)", () => {
        assertRefused(
            { ...ONE_MASTER_TWO_REPLICAS, sentinel: { nodes: Array.from({ length: 10 }, (_, i) => sentinelAt(i)) } },
            "sentinel.nodes: 10 sentinels is more than 9",
        );
    });

    it("refuses a hole in a list of nodes, which would plan no replica or fewer sentinels than the quorum (seed -576910671, path 8837:3:2:2:2:2:3; seed 1344231148, path 2621)", () => {
        assertRefused({ replicas: [,] }, "replicas[0]: must be an object with ip and hostPort");
        const nodes: unknown[] = [0, 1, 2, 3, 4].map(sentinelAt);
        delete nodes[4];
        assertRefused({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { count: 5, quorum: 5, nodes } }, "sentinel.nodes[4]: must be an object");
    });

    it('requires a listed node\'s ip and hostPort when they are null, which planned host port 0 or IP "" (seed 842474135, path 206)', () => {
        assertRefused(
            { ...ONE_MASTER_TWO_REPLICAS, sentinel: { nodes: [{ ip: "10.89.0.10", hostPort: null }] } },
            "sentinel.nodes[0].hostPort: is required",
        );
        assertRefused({ ...ONE_MASTER_TWO_REPLICAS, replicas: [{ ip: null, hostPort: 6381 }] }, "replicas[0].ip: is required");
    });

    it("refuses an IP with leading zeros, which Docker refuses and inet_aton reads as octal (seed 1489539075, path 2483:1108:2:1:1:2:2:3)", () => {
        assertRefused(
            {
                network: { subnet: "10.0.0.0/8", gateway: "10.58.150.60" },
                master: { ip: "10.058.145.24" },
                replicas: [{ ip: "10.58.144.0", hostPort: 1 }],
            },
            "master.ip: 10.058.145.24 is not an IPv4 address",
        );
        assertRefused(
            { ...ONE_MASTER_TWO_REPLICAS, network: { subnet: "10.89.0.0/24", gateway: "10.89.0.01" } },
            "network.gateway: 10.89.0.01 is not an IPv4 address",
        );
    });
});

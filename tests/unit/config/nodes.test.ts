// Node addresses over every replica count, with and without sentinels, in a roomy and a tight
// subnet: whatever the counts, the plan gives each node its own IP and host port, or says that
// the nodes do not fit. The space is small, so every combination is tried rather than sampled.
import * as assert from "assert";
import { GroupPlan, GroupSpec, NodePlan, parseGroupConfig } from "../../../config";
import { Cidr, ipToInt, parseCidr } from "../../../config/ipv4";
import { problemsOf } from "../../support/configProblems";

const SUBNETS = ["10.89.0.0/24", "10.89.0.0/27"];
/** Last octets: the usual first host, one between master and replicas, one after the master. */
const GATEWAYS = [1, 3, 11];
/** Last octets of the master; undefined takes the default. */
const MASTERS = [undefined, 2, 10];
const REPLICA_COUNTS = Array.from({ length: 32 }, (_, i) => i + 1);
const SENTINEL_COUNTS = [undefined, 1, 2, 3, 4, 5, 9];
const MASTER_PORT = 7000;

function* everyLayout(): Generator<GroupSpec> {
    for (const subnet of SUBNETS)
        for (const gateway of GATEWAYS)
            for (const master of MASTERS)
                for (const replicas of REPLICA_COUNTS)
                    for (const sentinel of SENTINEL_COUNTS) {
                        yield {
                            network: { subnet, gateway: `10.89.0.${gateway}` },
                            master: { ...(master === undefined ? {} : { ip: `10.89.0.${master}` }), hostPort: MASTER_PORT },
                            replicas,
                            ...(sentinel === undefined ? {} : { sentinel: { count: sentinel } }),
                        };
                    }
}

const nodesOf = (plan: GroupPlan): NodePlan[] => [plan.master, ...plan.replicas, ...(plan.sentinel?.nodes ?? [])];

/** Every layout parseGroupConfig accepts, with its plan; every one it refuses, with its problems. */
function planAll(): { accepted: [GroupSpec, GroupPlan][]; refused: [GroupSpec, string[]][] } {
    const accepted: [GroupSpec, GroupPlan][] = [];
    const refused: [GroupSpec, string[]][] = [];
    for (const spec of everyLayout()) {
        const problems = problemsOf(spec);
        if (problems.length === 0) accepted.push([spec, parseGroupConfig(spec)]);
        else refused.push([spec, problems]);
    }
    return { accepted, refused };
}

describe("node addresses, over every replica and sentinel count", () => {
    let accepted: [GroupSpec, GroupPlan][] = [];
    let refused: [GroupSpec, string[]][] = [];
    before(() => ({ accepted, refused } = planAll()));

    it("plans most layouts, and refuses some in the tight subnet", () => {
        assert.ok(accepted.length > refused.length, `${accepted.length} accepted, ${refused.length} refused`);
        assert.ok(refused.length > 0);
    });

    it("gives each node its own IP, a host address of the subnet that is not the gateway", () => {
        for (const [spec, plan] of accepted) {
            const cidr = parseCidr(spec.network!.subnet!) as Cidr;
            const gateway = ipToInt(spec.network!.gateway!);
            const ips = nodesOf(plan).map((n) => ipToInt(n.ip)!);
            const where = JSON.stringify(spec);
            assert.strictEqual(new Set(ips).size, ips.length, `duplicate IPs for ${where}`);
            for (const ip of ips) {
                assert.ok(ip > cidr.base && ip < cidr.base + cidr.size - 1, `${ip} is not a host address for ${where}`);
                assert.notStrictEqual(ip, gateway, `a node is on the gateway for ${where}`);
            }
        }
    });

    it("gives each node its own host port: replicas count up from the master's, sentinels from master + 20000", () => {
        for (const [spec, plan] of accepted) {
            const ports = nodesOf(plan).map((n) => n.hostPort);
            assert.strictEqual(new Set(ports).size, ports.length, `duplicate ports for ${JSON.stringify(spec)}`);
            assert.deepStrictEqual(
                plan.replicas.map((n) => [n.key, n.hostPort]),
                plan.replicas.map((_, i) => [`replica-${i + 1}`, MASTER_PORT + 1 + i]),
            );
            assert.deepStrictEqual(
                (plan.sentinel?.nodes ?? []).map((n) => [n.key, n.hostPort]),
                (plan.sentinel?.nodes ?? []).map((_, i) => [`sentinel-${i + 1}`, MASTER_PORT + 20000 + i]),
            );
            assert.strictEqual(plan.replicas.length, spec.replicas);
            assert.strictEqual(plan.sentinel?.nodes.length, spec.sentinel?.count);
        }
    });

    it("never moves a sentinel when the replica count changes: sentinels count down from the top of the subnet", () => {
        const sentinelsBy = new Map<string, string>();
        for (const [spec, plan] of accepted) {
            if (!plan.sentinel) continue;
            const { replicas: _, ...rest } = spec;
            const key = JSON.stringify(rest);
            const ips = JSON.stringify(plan.sentinel.nodes.map((n) => n.ip));
            assert.strictEqual(sentinelsBy.get(key) ?? ips, ips, `sentinels moved with the replica count for ${key}`);
            sentinelsBy.set(key, ips);
        }
        assert.ok(sentinelsBy.size > 0);
    });

    it("refuses a layout only because its nodes do not fit in the subnet", () => {
        for (const [spec, problems] of refused) {
            assert.strictEqual(spec.network!.subnet, "10.89.0.0/27", JSON.stringify(spec));
            for (const p of problems)
                assert.match(p, /^(replicas|sentinel\.nodes): \d+ (replica|sentinel)s (after|below) \S+ do not fit in network\.subnet/);
        }
    });
});

describe("listed node addresses, over every clash of a few IPs and ports", () => {
    const ips = ["10.89.0.2", "10.89.0.3", "10.89.0.4", "10.89.0.5"];
    const ports = [6380, 6381, 6382, 6383];
    const addresses = ips.flatMap((ip) => ports.map((hostPort) => ({ ip, hostPort })));
    const master = { ip: "10.89.0.2", hostPort: 6380 };

    it("accepts two replicas and a sentinel exactly when no IP or port is taken twice, else names each later taker", () => {
        let accepted = 0;
        for (const r1 of addresses)
            for (const r2 of addresses)
                for (const s1 of addresses) {
                    const spec: GroupSpec = { network: { subnet: "10.89.0.0/24" }, master, replicas: [r1, r2], sentinel: { nodes: [s1] } };
                    const all = [master, r1, r2, s1];
                    const distinct = new Set(all.map((a) => a.ip)).size === 4 && new Set(all.map((a) => a.hostPort)).size === 4;
                    const problems = problemsOf(spec);
                    assert.strictEqual(problems.length === 0, distinct, `${JSON.stringify(all)}: ${problems.join("; ")}`);
                    for (const p of problems)
                        assert.match(p, /^(replicas\[[01]\]|sentinel\.nodes\[0\])\.(ip|hostPort): \S+ is already used by /);
                    if (distinct) accepted++;
                }
        assert.ok(accepted > 0);
    });
});

// Sentinel settings: off unless given, their defaults, their validation, and the warnings
// about counts that weaken failover.
import * as assert from "assert";
import { parseGroupConfig } from "../../../config";
import { BAD_INPUT } from "../../support/badInput";
import { problemsOf } from "../../support/configProblems";
import { ONE_MASTER_TWO_REPLICAS } from "../../support/fixtures";

describe("sentinel config", () => {
    it("is off unless given, and {} turns it on with every default", () => {
        assert.strictEqual(parseGroupConfig(ONE_MASTER_TWO_REPLICAS).sentinel, undefined);
        const plan = parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: {} });
        assert.deepStrictEqual(plan.sentinel, {
            masterName: "redis-dev",
            quorum: 2,
            downAfterMilliseconds: 5000,
            failoverTimeout: 10000,
            parallelSyncs: 1,
            nodes: [
                // IPs from the top of the subnet down, host ports from master.hostPort + 20000.
                { role: "sentinel", key: "sentinel-1", ip: "10.89.0.254", hostPort: 26380 },
                { role: "sentinel", key: "sentinel-2", ip: "10.89.0.253", hostPort: 26381 },
                { role: "sentinel", key: "sentinel-3", ip: "10.89.0.252", hostPort: 26382 },
            ],
        });
        assert.deepStrictEqual(plan.warnings, []);
    });

    it("takes count, quorum, timings, a master name and listed nodes", () => {
        const plan = parseGroupConfig({
            ...ONE_MASTER_TWO_REPLICAS,
            sentinel: {
                quorum: 3,
                downAfterMilliseconds: 500,
                failoverTimeout: 4000,
                parallelSyncs: 2,
                masterName: "cache",
                nodes: [
                    { ip: "10.89.0.20", hostPort: 36000 },
                    { ip: "10.89.0.21", hostPort: 36001 },
                    { ip: "10.89.0.22", hostPort: 36002 },
                    { ip: "10.89.0.23", hostPort: 36003 },
                    { ip: "10.89.0.24", hostPort: 36004 },
                ],
            },
        });
        const s = plan.sentinel!;
        assert.deepStrictEqual(
            [s.masterName, s.quorum, s.downAfterMilliseconds, s.failoverTimeout, s.parallelSyncs],
            ["cache", 3, 500, 4000, 2],
        );
        assert.deepStrictEqual(
            s.nodes.map((n) => [n.key, n.ip, n.hostPort]),
            [0, 1, 2, 3, 4].map((i) => [`sentinel-${i + 1}`, `10.89.0.${20 + i}`, 36000 + i]),
        );
        assert.strictEqual(
            parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { count: 5 } }).sentinel!.quorum,
            3,
            "default quorum is a majority",
        );
    });

    it("warns about an even count or fewer than 3 sentinels, without failing", () => {
        assert.deepStrictEqual(parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { count: 4 } }).warnings, [
            "sentinel.count 4 is even: 5 sentinels survive as many losses as 4 do, and more",
        ]);
        assert.match(parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, sentinel: { count: 1 } }).warnings.join(), /fewer than 3 sentinels/);
    });

    it("warns when sentinel host ports fall in Linux's ephemeral range (32768-60999), defaulted or listed", () => {
        const at = (hostPort: number) => ({ ...ONE_MASTER_TWO_REPLICAS, master: { ip: "10.89.0.2", hostPort }, replicas: 2 });
        const high = parseGroupConfig({ ...at(13000), sentinel: {} });
        assert.deepStrictEqual(
            high.sentinel!.nodes.map((n) => n.hostPort),
            [33000, 33001, 33002],
            "the default stays: moving it would move running sentinels",
        );
        assert.deepStrictEqual(
            high.warnings.map((w) => `a warning: ${w}`),
            [BAD_INPUT.ephemeralSentinelPorts.error],
        );
        assert.deepStrictEqual(parseGroupConfig({ ...at(6379), sentinel: {} }).warnings, [], "26379-26381: below the range");
        const listed = parseGroupConfig({
            ...ONE_MASTER_TWO_REPLICAS,
            sentinel: {
                nodes: [
                    { ip: "10.89.0.20", hostPort: 26000 },
                    { ip: "10.89.0.21", hostPort: 61000 },
                    { ip: "10.89.0.22", hostPort: 32768 },
                ],
            },
        });
        assert.deepStrictEqual(listed.warnings, [
            "sentinel.nodes[2].hostPort 32768: in 32768-60999, Linux's ephemeral port range, where the kernel picks outgoing " +
                "connections' local ports, so one may be taken when its sentinel starts; give them hostPorts below 32768",
        ]);
    });

    const bad: [string, unknown, RegExp][] = [
        ["quorum above count", { quorum: 4 }, /^sentinel\.quorum: 4 is more than the 3 sentinels/],
        ["count 0", { count: 0 }, /^sentinel\.count: 0 is out of range 1-9/],
        [
            "listed nodes differ from count",
            { count: 2, nodes: [{ ip: "10.89.0.9", hostPort: 30001 }] },
            /^sentinel\.nodes: lists 1 sentinels but sentinel\.count is 2/,
        ],
        [
            "a sentinel on a replica's IP",
            { nodes: [{ ip: "10.89.0.3", hostPort: 30001 }] },
            /^sentinel\.nodes\[0\]\.ip: 10\.89\.0\.3 is already used by replicas\[0\]\.ip/,
        ],
        [
            "a sentinel on a replica's port",
            { nodes: [{ ip: "10.89.0.9", hostPort: 6381 }] },
            /^sentinel\.nodes\[0\]\.hostPort: 6381 is already used by replicas\[0\]\.hostPort/,
        ],
        ["a master name with a space", { masterName: "a b" }, /^sentinel\.masterName: "a b" may only hold/],
        ["down-after below 100 ms", { downAfterMilliseconds: 10 }, /^sentinel\.downAfterMilliseconds: 10 is out of range/],
        ["an unknown key", { quorom: 2 }, /^sentinel\.quorom: unknown key/],
        ["nodes not a list", { nodes: "x" }, /^sentinel\.nodes: must be a list/],
    ];
    for (const [what, sentinel, want] of bad) {
        it(`rejects ${what}, naming the property`, () => {
            const problems = problemsOf({ ...ONE_MASTER_TWO_REPLICAS, sentinel });
            assert.ok(
                problems.some((p) => want.test(p)),
                `${JSON.stringify(problems)} does not match ${want}`,
            );
        });
    }
});

// Which settings a running node takes with CONFIG SET, and the plan's settings split that way.
import * as assert from "assert";
import fc from "fast-check";
import {
    isLiveDirective,
    LIVE_DIRECTIVES,
    OWNED_DIRECTIVES,
    parseGroupConfig,
    RESTART_DIRECTIVES,
    settingsOf,
    splitSettings,
} from "../../../config";
import { ONE_MASTER_TWO_REPLICAS } from "../../support/fixtures";

describe("live and restart settings", () => {
    it("keeps Redis's two lists apart, and every typed setting is live", () => {
        assert.deepStrictEqual(
            LIVE_DIRECTIVES.filter((d) => RESTART_DIRECTIVES.includes(d)),
            [],
        );
        const typed = Object.keys(settingsOf(parseGroupConfig(ONE_MASTER_TWO_REPLICAS)));
        assert.deepStrictEqual(
            typed.filter((d) => !LIVE_DIRECTIVES.includes(d)),
            [],
        );
        for (const d of LIVE_DIRECTIVES) assert.ok(isLiveDirective(d), d);
        for (const d of RESTART_DIRECTIVES) assert.ok(!isLiveDirective(d), d);
    });

    it("classifies as Redis 7's CONFIG SET does: immutable and protected ones need a restart, aliases and unknown names are tried live", () => {
        for (const d of ["databases", "io-threads", "dbfilename", "rename-command", "appendfilename", "Daemonize"]) {
            assert.strictEqual(isLiveDirective(d), false, d);
        }
        for (const d of [
            "maxmemory-policy",
            "min-replicas-to-write",
            "slave-read-only",
            "hz",
            "lazyfree-lazy-eviction",
            "locale-collate",
        ]) {
            assert.strictEqual(isLiveDirective(d), true, d);
        }
    });

    it('splits redisConfig by class, maps the old name of a typed directive to its own, and turns "" into the empty value', () => {
        const plan = parseGroupConfig({
            ...ONE_MASTER_TWO_REPLICAS,
            redisConfig: { databases: 4, hz: 20, "min-slaves-to-write": 1, "notify-keyspace-events": '""' },
        });
        const { live, restart } = splitSettings(plan);
        assert.deepStrictEqual(restart, { databases: "4" });
        assert.strictEqual(live.hz, "20");
        assert.strictEqual(live["min-replicas-to-write"], "1");
        assert.strictEqual(live["min-slaves-to-write"], undefined, "one name per setting: CONFIG SET refuses a setting twice");
        assert.strictEqual(live["notify-keyspace-events"], "");
    });

    it("writes every typed setting out, Redis's default where it is left out, so leaving one out later is a live change too", () => {
        const { live } = splitSettings(parseGroupConfig(ONE_MASTER_TWO_REPLICAS));
        assert.deepStrictEqual(live, {
            appendonly: "yes",
            appendfsync: "everysec",
            save: "3600 1 300 100 60 10000",
            "repl-diskless-sync": "no",
            "repl-diskless-sync-delay": "0",
            "maxmemory-policy": "noeviction",
            maxmemory: "0",
            "min-replicas-to-write": "0",
            "min-replicas-max-lag": "10",
        });
        const off = splitSettings(parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, persistence: { save: [] } })).live;
        assert.strictEqual(off.save, "");
    });

    it("puts every directive of any redisConfig in exactly one class, by the lists (property)", () => {
        const owned = [...OWNED_DIRECTIVES];
        const directive = fc
            .constantFrom(...LIVE_DIRECTIVES, ...RESTART_DIRECTIVES)
            .filter((d) => !owned.includes(d) && !/^(slave|min-slaves)/.test(d));
        fc.assert(
            fc.property(fc.dictionary(directive, fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxKeys: 8 }), (redisConfig) => {
                const { live, restart } = splitSettings(parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, redisConfig }));
                for (const [d, v] of Object.entries(redisConfig)) {
                    const [mine, other] = isLiveDirective(d) ? [live, restart] : [restart, live];
                    assert.strictEqual(mine[d], v);
                    assert.strictEqual(other[d], undefined);
                }
            }),
            { numRuns: 200 },
        );
    });
});

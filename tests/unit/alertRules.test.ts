// The Prometheus rule file of one group (components/metrics/rules.ts): the committed golden file,
// promtool's check and its tests (tests/alerts/*.test.yml), and every selector scoped to the group.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import * as prettier from "prettier";
import { ALERTS, renderRules, RulesInput } from "../../components/metrics/rules";

const ALERTS_DIR = path.join(__dirname, "..", "alerts");
const GOLDEN = path.join(ALERTS_DIR, "fixture.rules.yml");
/** The group tests/alerts/cache.test.yml is written for. */
const FIXTURE: RulesInput = { group: "cache", replicas: 2, sentinel: true, maxmemory: true, lagBytes: 1048576, backupEverySeconds: 3600 };
/** The fixture without any optional rule. */
const BARE: RulesInput = { group: "cache", replicas: 2, sentinel: false, maxmemory: false, lagBytes: 1048576 };
const OPTIONAL = ["RedisSentinelNoQuorum", "RedisMemoryNearMax", "RedisBackupMissing"];

interface ParsedRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}
interface RuleFile {
    groups: { name: string; rules: ParsedRule[] }[];
}

function parsed(input: RulesInput): RuleFile {
    return yaml.load(renderRules(input)) as RuleFile;
}
function rulesOf(input: RulesInput): ParsedRule[] {
    const file = parsed(input);
    assert.strictEqual(file.groups.length, 1, "one rule group per group");
    return file.groups[0]!.rules;
}
const alertsOf = (input: RulesInput) => rulesOf(input).map((r) => r.alert);

/** PromQL words the rules use that are not metric names. */
const PROMQL_WORDS = new Set(["absent", "and", "avg", "count", "increase", "max", "min", "or", "rate", "sum", "time", "unless"]);

/**
 * Crude PromQL reading: every metric name must be followed by a selector, and every selector must
 * hold the matcher group="<group>". Returns what breaks that, and the metric names seen.
 */
function scoping(expr: string, group: string): { unscoped: string[]; metrics: string[] } {
    const want = `group=${JSON.stringify(group)}`;
    const scoped = (selector: string) => selector.slice(1, -1).split(",").includes(want);
    const unscoped: string[] = [];
    const metrics: string[] = [];
    let rest = expr;
    while (rest !== "") {
        const skip = /^(?:(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)|\[[^\]]*\]|\d[\w.]*|"[^"]*")/.exec(rest);
        const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
        const selector = /^\{[^}]*\}/.exec(rest);
        if (skip) {
            rest = rest.slice(skip[0].length);
        } else if (word) {
            rest = rest.slice(word[0].length);
            if (PROMQL_WORDS.has(word[0])) continue;
            metrics.push(word[0]);
            const own = /^\{[^}]*\}/.exec(rest);
            if (!own || !scoped(own[0])) unscoped.push(word[0] + (own?.[0] ?? ""));
            if (own) rest = rest.slice(own[0].length);
        } else if (selector) {
            if (!scoped(selector[0])) unscoped.push(selector[0]);
            rest = rest.slice(selector[0].length);
        } else {
            rest = rest.slice(1);
        }
    }
    return { unscoped, metrics };
}

/** Absolute path of promtool on PATH, or undefined. */
function findPromtool(): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, "promtool");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // not here
        }
    }
    return undefined;
}

/** For a `before` hook: with CI=true a missing promtool is a failure; elsewhere the suite is skipped, saying why. */
function requirePromtool(ctx: Mocha.Context): string {
    const found = findPromtool();
    if (found) {
        return found;
    }
    const reason = "promtool is not on PATH (apt-get install prometheus, Debian's package)";
    if (process.env.CI === "true") {
        throw new Error(`alert rules: ${reason}; CI=true, so this is a failure, not a skip`);
    }
    console.log(`    skipping the promtool tests: ${reason}`);
    ctx.skip();
}

/** Runs promtool; fails the test with its output unless it exits 0. Returns stdout. */
function promtool(bin: string, args: string[], cwd: string): string {
    const run = spawnSync(bin, args, { cwd, encoding: "utf8", timeout: 60_000 });
    assert.strictEqual(run.status, 0, `promtool ${args.join(" ")} (in ${cwd}) exited ${run.status}:\n${run.stdout}${run.stderr}`);
    return run.stdout;
}

describe("renderRules", () => {
    it("renders the fixture group as the committed golden file tests/alerts/fixture.rules.yml", () => {
        const text = renderRules(FIXTURE);
        if (process.env.UPDATE_GOLDEN === "1") {
            fs.writeFileSync(GOLDEN, text);
        }
        const golden = fs.readFileSync(GOLDEN, "utf8");
        if (text === golden) return;
        const ours = text.split("\n");
        const theirs = golden.split("\n");
        const at = ours.findIndex((line, i) => line !== theirs[i]);
        assert.fail(
            `tests/alerts/fixture.rules.yml differs from renderRules' output for the fixture group at line ${at + 1}:\n` +
                `  golden:   ${theirs[at] ?? "(end of file)"}\n  rendered: ${ours[at] ?? "(end of file)"}\n` +
                "If the change is meant, rewrite it with UPDATE_GOLDEN=1 npx mocha --require ts-node/register/transpile-only " +
                "tests/unit/alertRules.test.ts, review the diff and update tests/alerts/cache.test.yml",
        );
    });

    it("writes YAML that prettier leaves as it is, so `npm run format` never moves the golden file", async () => {
        const options = (await prettier.resolveConfig(GOLDEN)) ?? {};
        assert.ok(await prettier.check(renderRules(FIXTURE), { ...options, filepath: GOLDEN }), "prettier would reformat the rule file");
    });

    it("emits every alert of ALERTS, in order, for the full fixture", () => {
        assert.deepStrictEqual(alertsOf(FIXTURE), [...ALERTS]);
    });

    it("leaves out the Sentinel, maxmemory and backup rules when their input is off, and each comes back alone", () => {
        assert.deepStrictEqual(
            alertsOf(BARE),
            ALERTS.filter((a) => !OPTIONAL.includes(a)),
        );
        const without = (alert: string) => ALERTS.filter((a) => a === alert || !OPTIONAL.includes(a));
        assert.deepStrictEqual(alertsOf({ ...BARE, sentinel: true }), without("RedisSentinelNoQuorum"));
        assert.deepStrictEqual(alertsOf({ ...BARE, maxmemory: true }), without("RedisMemoryNearMax"));
        assert.deepStrictEqual(alertsOf({ ...BARE, backupEverySeconds: 600 }), without("RedisBackupMissing"));
    });

    it("has no replica-count rule for a group planned without replicas", () => {
        assert.ok(!alertsOf({ ...FIXTURE, replicas: 0 }).includes("RedisFewerReplicasThanPlanned"));
    });

    it("puts the rules in one group redis-replication-<group>, each with expr, for, a severity and a summary naming the node or group", () => {
        const file = parsed(FIXTURE);
        assert.deepStrictEqual(
            file.groups.map((g) => g.name),
            ["redis-replication-cache"],
        );
        for (const rule of file.groups[0]!.rules) {
            assert.deepStrictEqual(Object.keys(rule).sort(), ["alert", "annotations", "expr", "for", "labels"], rule.alert);
            assert.match(rule.for, /^\d+[smh]$/, rule.alert);
            assert.deepStrictEqual(Object.keys(rule.labels), ["severity"], rule.alert);
            assert.ok(["critical", "warning"].includes(rule.labels.severity!), `${rule.alert}: severity ${rule.labels.severity}`);
            assert.match(rule.annotations.summary ?? "", /\{\{ \$labels\.(node|group) \}\}/, rule.alert);
        }
    });

    it("carries the inputs into the thresholds", () => {
        const rules = rulesOf({ ...FIXTURE, replicas: 3, lagBytes: 4096, backupEverySeconds: 60 });
        const expr = (alert: string) => rules.find((r) => r.alert === alert)?.expr ?? "";
        assert.match(expr("RedisReplicaLagging"), /> 4096$/);
        assert.match(expr("RedisFewerReplicasThanPlanned"), /redis_connected_slaves\{group="cache"\} < 3\n/);
        // 2 periods + 600 s
        assert.match(expr("RedisBackupMissing"), /\) > 720\n/);
        assert.match(expr("RedisBackupMissing"), /\[720s\]/);
    });

    for (const group of ["cache", "a.b-c_1", "0"]) {
        it(`scopes every metric and every selector of every expr to group="${group}"`, () => {
            const seen = new Set<string>();
            for (const rule of rulesOf({ ...FIXTURE, group })) {
                const { unscoped, metrics } = scoping(rule.expr, group);
                assert.deepStrictEqual(unscoped, [], `${rule.alert}: selectors without group="${group}" in\n${rule.expr}`);
                metrics.forEach((m) => seen.add(m));
            }
            // The reading found the metrics, so its silence above means something.
            assert.ok(seen.has("redis_up") && seen.has("redis_instance_info") && seen.has("redis_slave_repl_offset"), [...seen].join(" "));
        });
    }

    it("reads unscoped selectors as such (the scoping check itself)", () => {
        assert.deepStrictEqual(scoping('redis_up == 0 and on (group, node) redis_instance_info{role="master"}', "cache").unscoped, [
            "redis_up",
            'redis_instance_info{role="master"}',
        ]);
        assert.deepStrictEqual(scoping('{__name__="redis_up"} > 0', "cache").unscoped, ['{__name__="redis_up"}']);
        assert.deepStrictEqual(scoping('max by (group) (redis_up{group="cache"}[5m])', "cache").unscoped, []);
        assert.deepStrictEqual(scoping('redis_up{group="cache2"}', "cache").unscoped, ['redis_up{group="cache2"}']);
    });

    it("rejects bad input, naming the property", () => {
        assert.throws(() => renderRules({ ...FIXTURE, group: 'ca"che' }), /^Error: group: "ca\\"che" is not a Docker name/);
        assert.throws(() => renderRules({ ...FIXTURE, group: "-cache" }), /^Error: group: /);
        assert.throws(() => renderRules({ ...FIXTURE, group: "" }), /^Error: group: /);
        assert.throws(() => renderRules({ ...FIXTURE, replicas: -1 }), /^Error: replicas: -1 /);
        assert.throws(() => renderRules({ ...FIXTURE, replicas: 1.5 }), /^Error: replicas: 1.5 /);
        assert.throws(() => renderRules({ ...FIXTURE, lagBytes: 0 }), /^Error: lagBytes: 0 /);
        assert.throws(() => renderRules({ ...FIXTURE, backupEverySeconds: 0 }), /^Error: backupEverySeconds: 0 /);
    });
});

describe("alert rules under promtool", () => {
    let bin = "";
    let dir = "";

    before(function () {
        bin = requirePromtool(this);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "alert-rules-"));
    });

    after(() => {
        if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
    });

    const inputs: Record<string, RulesInput> = {
        full: FIXTURE,
        bare: BARE,
        "no-replicas": { ...BARE, replicas: 0, sentinel: true },
        "backup-only": { ...BARE, group: "a.b-c_1", backupEverySeconds: 86400 },
        "other-group": { ...FIXTURE, group: "other", maxmemory: false },
    };

    it("passes `promtool check rules` for each input, and all files loaded together", () => {
        const files = Object.entries(inputs).map(([name, input]) => {
            const file = path.join(dir, `${name}.rules.yml`);
            fs.writeFileSync(file, renderRules(input));
            return file;
        });
        for (const [i, file] of files.entries()) {
            const input = Object.values(inputs)[i]!;
            const out = promtool(bin, ["check", "rules", file], dir);
            assert.match(out, new RegExp(`SUCCESS: ${alertsOf(input).length} rules found`), out);
        }
        promtool(bin, ["check", "rules", ...files], dir);
    });

    it("passes `promtool test rules tests/alerts/*.test.yml`", () => {
        const tests = fs.readdirSync(ALERTS_DIR).filter((f) => f.endsWith(".test.yml"));
        assert.ok(tests.includes("cache.test.yml"), `test files: ${tests.join(", ")}`);
        const out = promtool(bin, ["test", "rules", ...tests], ALERTS_DIR);
        assert.doesNotMatch(out, /FAILED/, out);
    });
});

describe("tests/alerts/cache.test.yml", () => {
    it("tests every alert of the fixture in tests/alerts, firing and silent", () => {
        const text = fs.readFileSync(path.join(ALERTS_DIR, "cache.test.yml"), "utf8");
        const suite = yaml.load(text) as {
            tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
        };
        const cases = suite.tests.flatMap((t) => t.alert_rule_test ?? []);
        for (const alert of ALERTS) {
            const firing = cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0);
            const silent = cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0);
            assert.ok(firing && silent, `${alert}: firing case ${firing}, silent case ${silent}`);
        }
    });
});

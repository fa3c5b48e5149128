#!/usr/bin/env node
// Runs the test tiers, each in its own mocha process (each sets Pulumi's mocks its own way),
// and ends with one line: "tests: N passed, N failed, N skipped". Usage: node tests/run.js [tier...]
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const tiers = {
    unit: { spec: "tests/unit/**/*.test.ts", timeout: 20000 },
    redis: { spec: "tests/redis/**/*.test.ts", timeout: 90000 },
    docker: { spec: "tests/docker/**/*.test.ts", timeout: 300000 },
    engine: { spec: "tests/engine/**/*.test.ts", timeout: 600000 },
};
const chosen = process.argv.slice(2);
for (const name of chosen) {
    if (!tiers[name]) {
        console.error(`unknown tier "${name}"; tiers: ${Object.keys(tiers).join(", ")}`);
        process.exit(2);
    }
}

const totals = { passes: 0, failures: 0, pending: 0 };
const lines = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-replication-tests-"));
for (const name of chosen.length > 0 ? chosen : Object.keys(tiers)) {
    const { spec, timeout } = tiers[name];
    const resultFile = path.join(dir, `${name}.json`);
    const started = Date.now();
    console.log(`\n=== ${name} tier: ${spec}`);
    const run = spawnSync(
        process.execPath,
        [
            require.resolve("mocha/bin/mocha.js"),
            "--require",
            "ts-node/register/transpile-only",
            "--reporter",
            path.join(__dirname, "reporter.js"),
            "--timeout",
            String(timeout),
            spec,
        ],
        { stdio: "inherit", env: { ...process.env, TIER_RESULT_FILE: resultFile } },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    let stats = { passes: 0, failures: 0, pending: 0 };
    if (fs.existsSync(resultFile)) stats = JSON.parse(fs.readFileSync(resultFile, "utf8"));
    // A crash before mocha reports (a load error, a signal) still counts as a failure.
    if (run.status !== 0 && stats.failures === 0) stats.failures = 1;
    for (const key of Object.keys(totals)) totals[key] += stats[key];
    lines.push(`${name}: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped (${seconds} s)`);
}
fs.rmSync(dir, { recursive: true, force: true });
console.log("\n" + lines.join("\n"));
console.log(`tests: ${totals.passes} passed, ${totals.failures} failed, ${totals.pending} skipped`);
process.exit(totals.failures > 0 ? 1 : 0);

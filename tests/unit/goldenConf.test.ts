// Whole rendered configs against golden files in tests/unit/golden/, so that any change to what a
// node boots with shows as a whole-file diff. After a deliberate change: UPDATE_GOLDEN=1 npm run
// test:unit, and review the diff of the golden files.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { GroupSpec, parseGroupConfig } from "../../config";
import { renderRedisConf, renderSentinelConf } from "../../components/redisConf";

const GOLDEN_DIR = path.join(__dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const secrets = {
    password: "app-Passw0rd",
    creds: { admin: "admin-Passw0rd", replication: "repl-Passw0rd", sentinel: "sentinel-Passw0rd" },
};
const PEM = { ca: "-----BEGIN CERTIFICATE-----", cert: "-----BEGIN CERTIFICATE-----", key: "-----BEGIN PRIVATE KEY-----" };

/** The groups whose configs are pinned, each with what it shows. */
const GROUPS: Record<string, GroupSpec> = {
    // One engine, with sentinels: the defaults.
    plain: { name: "golden", replicas: 2, sentinel: {} },
    // TLS for clients and replication, client certificates required.
    tls: { name: "golden-tls", replicas: 2, sentinel: {}, tls: { ...PEM, authClients: true } },
    // Three hosts: each node announces its host's address and published port.
    hosts: {
        name: "golden-hosts",
        hosts: {
            a: { dockerHost: "ssh://ops@10.231.0.11", address: "10.231.0.11" },
            b: { dockerHost: "ssh://ops@10.231.0.12", address: "10.231.0.12" },
            c: { dockerHost: "ssh://ops@10.231.0.13", address: "10.231.0.13" },
        },
        sentinel: {},
    },
};

function compare(file: string, rendered: string): void {
    const at = path.join(GOLDEN_DIR, file);
    if (UPDATE) {
        fs.mkdirSync(GOLDEN_DIR, { recursive: true });
        fs.writeFileSync(at, rendered);
        return;
    }
    assert.ok(fs.existsSync(at), `${file} is missing: run UPDATE_GOLDEN=1 npm run test:unit`);
    assert.strictEqual(rendered, fs.readFileSync(at, "utf8"), `${file} differs (if on purpose: UPDATE_GOLDEN=1 npm run test:unit)`);
}

describe("rendered configs against their golden files", () => {
    for (const [variant, spec] of Object.entries(GROUPS)) {
        const plan = parseGroupConfig(spec);
        it(`${variant}: the master's and a replica's redis.conf, and a sentinel's sentinel.conf`, () => {
            compare(`${variant}.master.redis.conf`, renderRedisConf(plan.master, plan, secrets, { replicaOf: "" }));
            compare(`${variant}.replica-1.redis.conf`, renderRedisConf(plan.replicas[0]!, plan, secrets));
            compare(`${variant}.sentinel-1.sentinel.conf`, renderSentinelConf(plan.sentinel!.nodes[0]!, plan, secrets));
        });
    }
});

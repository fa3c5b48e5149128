// The restart guard: a master without persistence never restarts on its own (with sentinels, no
// data node does), unless the user accepts by name that its replicas would be wiped.
import * as assert from "assert";
import { GroupSpec, parseGroupConfig, restartPolicyOf } from "../../../config";
import { ONE_MASTER_TWO_REPLICAS } from "../../support/fixtures";

const OFF = { appendonly: false, save: [] };

function policies(spec: GroupSpec): Record<string, string> {
    const plan = parseGroupConfig(spec);
    const nodes = [plan.master, ...plan.replicas, ...(plan.sentinel?.nodes ?? [])];
    return Object.fromEntries(nodes.map((n) => [n.key, restartPolicyOf(plan, n)]));
}

describe("restart guard", () => {
    it("leaves every node its restart policy while AOF or RDB is on, and warns of nothing", () => {
        for (const persistence of [{}, { appendonly: false }, { save: [] }, { appendonly: false, save: ["60 1"] }]) {
            const spec = { ...ONE_MASTER_TWO_REPLICAS, persistence, restart: "always" };
            assert.deepStrictEqual(policies(spec), { master: "always", "replica-1": "always", "replica-2": "always" });
            assert.ok(!parseGroupConfig(spec).warnings.some((w) => /persistence is off/.test(w)));
        }
    });

    it("gives a master without persistence restart no, and says why: an empty master empties its replicas", () => {
        const spec = { ...ONE_MASTER_TWO_REPLICAS, persistence: OFF };
        assert.deepStrictEqual(policies(spec), { master: "no", "replica-1": "unless-stopped", "replica-2": "unless-stopped" });
        const [warning] = parseGroupConfig(spec).warnings.filter((w) => /persistence is off/.test(w));
        assert.match(warning!, /the master gets restart "no"/);
        assert.match(warning!, /comes back empty, and its replicas then resync from it and empty themselves/);
    });

    it("with sentinels, gives every data node restart no (any may be master), the sentinels theirs", () => {
        const spec = { ...ONE_MASTER_TWO_REPLICAS, persistence: OFF, sentinel: {} };
        assert.deepStrictEqual(policies(spec), {
            master: "no",
            "replica-1": "no",
            "replica-2": "no",
            "sentinel-1": "unless-stopped",
            "sentinel-2": "unless-stopped",
            "sentinel-3": "unless-stopped",
        });
    });

    it("restarts such a master only when persistence.acceptRestartWipingReplicas says so, with a warning naming the risk", () => {
        const spec = { ...ONE_MASTER_TWO_REPLICAS, persistence: { ...OFF, acceptRestartWipingReplicas: true } };
        assert.deepStrictEqual(policies(spec), { master: "unless-stopped", "replica-1": "unless-stopped", "replica-2": "unless-stopped" });
        assert.ok(parseGroupConfig(spec).warnings.some((w) => /acceptRestartWipingReplicas is set: .*empty themselves/.test(w)));
    });
});

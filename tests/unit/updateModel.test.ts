// The live backend's update model, its pure parts: the read-back forms the state holds and the
// provider rules a second `up` is decided by (the docker tier runs the whole model on Docker).
import { strict as assert } from "assert";
import { goDurationString } from "../../harness/liveDocker/container/readBack";
import { diffByRules, plannedState } from "../../harness/liveDocker/update/compare";
import { CONTAINER_RULES, NETWORK_RULES } from "../../harness/liveDocker/update/dockerRules";
import { deleteScheduled } from "../../harness/liveDocker/update/schedule";
import type { StateEntry } from "../../harness/liveDocker/update/types";

const W = 'live backend: docker:index/container:Container "c"';

describe("update model: read-back forms", () => {
    it("writes durations as Go's Duration.String() does", () => {
        const cases: [number, string][] = [
            [0, "0s"],
            [500e6, "500ms"],
            [1e9, "1s"],
            [1.5e9, "1.5s"],
            [60e9, "1m0s"],
            [90e9, "1m30s"],
            [3600e9, "1h0m0s"],
            [1500, "1.5µs"],
        ];
        for (const [ns, s] of cases) assert.equal(goDurationString(ns), s, String(ns));
    });
});

describe("update model: container rules (terraform-provider-docker v4.5.0)", () => {
    const state = {
        name: "c",
        image: "img",
        hostname: "abc123",
        command: ["redis-server"],
        restart: "no",
        memory: 0,
        memorySwap: 0,
        ports: [{ internal: 6379, external: 7400, ip: "127.0.0.1", protocol: "tcp" }],
        labels: [
            { label: "a", value: "1" },
            { label: "b", value: "2" },
        ],
        healthcheck: { tests: ["CMD", "true"], interval: "1m0s", timeout: "2s", startPeriod: "0s", startInterval: "0s", retries: 3 },
    };
    const news = { name: "c", image: "img", ports: [{ internal: 6379, external: 7400, ip: "127.0.0.1" }] };

    it("sees no diff for Computed inputs left out, port defaults, sets in another order, and absent ints as 0", () => {
        const labels = [...state.labels].reverse();
        assert.deepEqual(diffByRules(W, CONTAINER_RULES, state, { ...news, labels }), { changed: [], replaces: [] });
    });

    it("replaces for a ForceNew input, updates for restart/memory, and a healthcheck in another form is an update", () => {
        assert.deepEqual(diffByRules(W, CONTAINER_RULES, state, { ...news, cpus: "1" }), { changed: ["cpus"], replaces: ["cpus"] });
        assert.deepEqual(diffByRules(W, CONTAINER_RULES, state, { ...news, restart: "always", memory: 64 }), {
            changed: ["restart", "memory"],
            replaces: [],
        });
        const hc = { tests: ["CMD", "true"], interval: "1m", timeout: "2s", retries: 3 };
        assert.deepEqual(diffByRules(W, CONTAINER_RULES, state, { ...news, healthcheck: hc }).changed, ["healthcheck"]);
        assert.deepEqual(diffByRules(W, CONTAINER_RULES, state, { ...news, healthcheck: { ...hc, interval: "1m0s" } }).changed, []);
    });

    it("throws for an input it has no rule for, naming it", () => {
        assert.throws(
            () => diffByRules(W, CONTAINER_RULES, state, { ...news, envs: ["A=1"] }),
            /"c": the update model has no rule for input envs/,
        );
    });

    it("keeps Computed values and drops removed ones in the state after an update (no read-back)", () => {
        const after = plannedState(CONTAINER_RULES, { ...state, memorySwap: 256 }, { ...news, restart: "always" });
        assert.equal(after.hostname, "abc123");
        assert.equal(after.restart, "always");
        assert.equal(after.memorySwap, undefined);
    });

    it("network: a gateway Docker chose (not given) differs from the config; the subnet replaces", () => {
        const net = { name: "n", driver: "bridge", ipamDriver: "default", ipamConfigs: [{ subnet: "10.0.0.0/24", gateway: "10.0.0.1" }] };
        assert.deepEqual(diffByRules(W, NETWORK_RULES, net, { name: "n", ipamConfigs: [{ subnet: "10.0.0.0/24" }] }).replaces, [
            "ipamConfigs",
        ]);
        assert.deepEqual(diffByRules(W, NETWORK_RULES, net, { name: "n", driver: "bridge" }).changed, []);
    });
});

describe("update model: delete schedule", () => {
    const entry = (urn: string, deps: string[] = [], parent = ""): StateEntry =>
        ({ urn, reg: { urn, parent, dependencies: deps, propertyDependencies: {}, retainOnDelete: false } }) as unknown as StateEntry;

    it("deletes dependents (by dependency or parent) before what they depend on", async () => {
        const order: string[] = [];
        await deleteScheduled([entry("net"), entry("c", ["net"]), entry("check", [], "c")], async (e) => void order.push(e.urn));
        assert.deepEqual(order, ["check", "c", "net"]);
    });
});

// cpus in the form the Docker provider reads it back, and the values that can't stay stable.
import * as assert from "assert";
import { cpusReadBack, parseGroupConfig } from "../../../config";
import { ONE_MASTER_TWO_REPLICAS } from "../../support/fixtures";
import { problemsOf } from "../../support/configProblems";

describe("cpusReadBack", () => {
    // The provider's own cases (helpers_test.go TestNanoInt64ToDecimalString), then its quirks.
    const cases: [number, string][] = [
        [1, "1.0"],
        [1.5, "1.5"],
        [2, "2.0"],
        [2.25, "2.25"],
        [0.5, "0.5"],
        [0.25, "0.25"],
        [10, "10."],
        [20, "20."],
        [101, "101."],
        [11, "11.0"],
        [0.05, "0.1"],
        [0.01, "0.0"],
        [0.123456789, "0.123456789"],
    ];
    for (const [cpus, form] of cases) it(`${cpus} reads back as "${form}"`, () => assert.strictEqual(cpusReadBack(cpus), form));

    it("every value from 0.001 to 16 the config accepts reads back to itself, and most are accepted", () => {
        // Docker's own parser (big.Rat SetString) takes "10." and "1.0" alike.
        let accepted = 0;
        for (let milli = 1; milli <= 16_000; milli++) {
            const cpus = milli / 1000;
            if (problemsOf({ ...ONE_MASTER_TWO_REPLICAS, resources: { cpus } }).length > 0) continue;
            accepted++;
            const back = cpusReadBack(cpus);
            assert.strictEqual(Math.round(Number(back) * 1e9), Math.round(cpus * 1e9), `${cpus} -> ${back}`);
            assert.strictEqual(parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, resources: { cpus } }).resources.cpus, cpus);
        }
        assert.ok(accepted > 15_000, `only ${accepted} of 16000 accepted`);
    });
});

describe("resources.cpus that can't stay stable", () => {
    it("refuses a value the provider reads back as another", () => {
        const problems = problemsOf({ ...ONE_MASTER_TWO_REPLICAS, resources: { cpus: 0.05 } });
        assert.deepStrictEqual(problems.length, 1);
        assert.match(problems[0]!, /^resources\.cpus: 0\.05 is read back by the Docker provider as "0\.1"/);
    });
    it("refuses a value finer than a nano-CPU", () => {
        assert.match(problemsOf({ ...ONE_MASTER_TWO_REPLICAS, resources: { cpus: 1e-10 + 1 } }).join(), /finer than Docker's 1e-9 CPU/);
    });
    it("accepts whole and half CPUs", () => {
        for (const cpus of [1, 2, 10, 0.5, 1.5])
            assert.deepStrictEqual(problemsOf({ ...ONE_MASTER_TWO_REPLICAS, resources: { cpus } }), []);
    });
});

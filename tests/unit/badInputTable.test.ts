// docs/bad-input.md's table is the one in tests/support/badInput.ts, whose texts the tests
// assert; the cases a unit test can reach are checked here.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseGroupConfig } from "../../config";
import { RedisReplicationGroup } from "../../components";
import { badInputRows, BAD_INPUT } from "../support/badInput";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";

const PAGE = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "bad-input.md"), "utf8");

describe("docs/bad-input.md's table", () => {
    it("has a row for every case, word for word", () => {
        const missing = badInputRows().filter((row) => !PAGE.replace(/ +\|/g, " |").replace(/\| +/g, "| ").includes(row));
        assert.deepStrictEqual(missing, [], "docs/bad-input.md lacks these rows (tests/support/badInput.ts has them)");
    });

    it("says what the constructor throws for a typo and for a bad password string", () => {
        assert.throws(
            () => parseGroupConfig({ ...ONE_MASTER_TWO_REPLICAS, replica: 2 }),
            (err: Error) => err.message.includes(`\n  ${BAD_INPUT.typo.error}`),
        );
        assert.throws(
            () => new RedisReplicationGroup("bad", { ...ONE_MASTER_TWO_REPLICAS, password: "bad Passw0rd-123" }),
            (err: Error) => err.message.includes(`\n  ${BAD_INPUT.plainPassword.error}`),
        );
    });
});

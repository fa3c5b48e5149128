// The nodes' password: what can't be used, and the one assertion every caller makes.
import * as assert from "assert";
import { assertPassword, GroupConfigError, passwordProblems } from "../../../config";

describe("passwordProblems", () => {
    it("requires a password when auth is on", () => assert.match(passwordProblems(undefined, true)[0] ?? "", /required/));
    it("needs none when auth is off", () => assert.deepStrictEqual(passwordProblems(undefined, false), []));
    for (const bad of ["has space", "new\nline", 'quo"te', "it's-bad", "back\\slash", "short"]) {
        it(`rejects ${JSON.stringify(bad)}`, () => assert.ok(passwordProblems(bad, true).length > 0));
    }
    it("accepts a long random password", () => assert.deepStrictEqual(passwordProblems("Zx9-q_7.Lm+4/Kw=", true), []));
});

describe("assertPassword", () => {
    it("throws one GroupConfigError with every reason, under the given property path", () => {
        assert.throws(
            () => assertPassword("a b", true, "redis-replication:password"),
            (err: unknown) =>
                err instanceof GroupConfigError &&
                err.problems.length === 2 &&
                err.problems.every((p) => p.propertyPath === "redis-replication:password") &&
                /^ {2}redis-replication:password: must not contain whitespace/m.test(err.message),
        );
    });

    it("passes a usable password, and any password (or none) when auth is off", () => {
        assertPassword("Zx9-q_7.Lm+4/Kw=", true, "password");
        assertPassword(undefined, false, "password");
        assertPassword("a b", false, "password");
    });
});

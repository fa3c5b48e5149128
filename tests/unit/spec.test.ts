// From stack config and the component's args to what the plan is made of: pure, without mocks.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { argsOfStack, NAME_KNOWN_LATER, splitArgs } from "../../components/spec";
import { parseGroupConfig } from "../../config";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";

describe("argsOfStack and splitArgs", () => {
    it("turns the stack's replica count into replicaCount, and redisConfig's numbers and booleans into their redis.conf text", () => {
        const args = argsOfStack({
            replicas: 3,
            redisConfig: { databases: 32, "lazyfree-lazy-eviction": true, "notify-keyspace-events": "Ex" },
        });
        assert.deepStrictEqual(args, {
            replicaCount: 3,
            redisConfig: { databases: "32", "lazyfree-lazy-eviction": "yes", "notify-keyspace-events": "Ex" },
        });
        assert.deepStrictEqual(argsOfStack(ONE_MASTER_TWO_REPLICAS), ONE_MASTER_TWO_REPLICAS, "a list stays a list");
    });

    it("plans the stack's config and its args alike", () => {
        const stack = { replicas: 2, redisConfig: { databases: 32, "lazyfree-lazy-eviction": true } };
        assert.deepStrictEqual(parseGroupConfig(splitArgs(argsOfStack(stack)).spec), parseGroupConfig(stack));
    });

    it("plans a name given as an output with a stand-in, and hands the output on", async () => {
        const { spec, late } = splitArgs({ network: { existing: pulumi.output("shared") }, image: { name: "redis:7" }, password: "x" });
        assert.deepStrictEqual(spec, { network: { existing: NAME_KNOWN_LATER }, image: { name: "redis:7" } });
        assert.ok(late.existingNetwork && late.imageName === undefined);
        assert.ok(pulumi.Output.isInstance(late.existingNetwork));
    });

    it("leaves a value of the wrong type to the plan, which names it", () => {
        const { spec } = splitArgs({ network: { existing: 7 as unknown as string } });
        assert.throws(() => parseGroupConfig(spec), /network\.existing: must be a string, got number 7/);
    });
});

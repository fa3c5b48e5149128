// The other-language examples use only what the schema offers: every property the YAML program
// sets, and every keyword the Python program passes, is an arg of the committed schema (which
// tests/unit/schema.test.ts keeps in step with the code), with a value of its type.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { REPO_ROOT } from "../../harness/docker";

interface Property {
    type?: string;
    $ref?: string;
    items?: Property;
    additionalProperties?: Property;
}
interface Schema {
    resources: Record<string, { inputProperties: Record<string, Property>; properties: Record<string, Property> }>;
    types: Record<string, { properties: Record<string, Property> }>;
}

const TOKEN = "redis-replication:index:RedisReplicationGroup";
const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "schema.json"), "utf8")) as Schema;
const example = (...parts: string[]) => fs.readFileSync(path.join(REPO_ROOT, "examples", ...parts), "utf8");

/** Where `value` does not fit `prop`, as "path: why"; a ${…} interpolation fits anything. */
function misfits(value: unknown, prop: Property, at: string): string[] {
    if (typeof value === "string" && /^\$\{.+\}$/.test(value)) return [];
    if (prop.$ref) {
        const type = schema.types[prop.$ref.replace("#/types/", "")];
        if (!type) return [`${at}: no type ${prop.$ref}`];
        if (typeof value !== "object" || value === null) return [`${at}: must be an object`];
        return Object.entries(value).flatMap(([k, v]) =>
            type.properties[k] ? misfits(v, type.properties[k]!, `${at}.${k}`) : [`${at}.${k}: not in the schema`],
        );
    }
    if (prop.type === "array")
        return Array.isArray(value) ? value.flatMap((v, i) => misfits(v, prop.items!, `${at}[${i}]`)) : [`${at}: not a list`];
    if (prop.type === "object") {
        return typeof value === "object" && value !== null
            ? Object.entries(value).flatMap(([k, v]) => misfits(v, prop.additionalProperties!, `${at}.${k}`))
            : [`${at}: not a map`];
    }
    return typeof value === prop.type ? [] : [`${at}: must be a ${prop.type}, got ${JSON.stringify(value)}`];
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

describe("examples for other languages, against the schema", () => {
    it("YAML: the group's properties are all args of the schema, of their types, and its outputs are outputs", () => {
        const program = yaml.load(example("yaml", "Pulumi.yaml")) as {
            packages: Record<string, string>;
            resources: Record<string, { type: string; properties: Record<string, unknown> }>;
            outputs: Record<string, string>;
        };
        assert.strictEqual(program.packages["redis-replication"], "../../provider");
        const [cache] = Object.values(program.resources);
        assert.strictEqual(cache?.type, TOKEN);
        const inputs = schema.resources[TOKEN]!.inputProperties;
        const problems = Object.entries(cache.properties).flatMap(([k, v]) =>
            inputs[k] ? misfits(v, inputs[k]!, k) : [`${k}: not an arg of the schema`],
        );
        assert.deepStrictEqual(problems, []);
        const outputs = Object.values(program.outputs).map((o) => /^\$\{cache\.(\w+)/.exec(o)?.[1]);
        for (const o of outputs) assert.ok(o && schema.resources[TOKEN]!.properties[o], `${o} is not an output`);
    });

    it("Python: every keyword the group is given is an arg of the schema, in the SDK's snake_case", () => {
        const source = example("python", "__main__.py");
        const call = /RedisReplicationGroup\(\s*"cache",([\s\S]*?)\n\)/.exec(source)?.[1];
        assert.ok(call, "no RedisReplicationGroup call in examples/python/__main__.py");
        const keywords = [...call.matchAll(/^\s{4}(\w+)=/gm)].map((m) => m[1]!);
        assert.ok(keywords.length >= 6, `only ${keywords.length} keywords`);
        const inputs = schema.resources[TOKEN]!.inputProperties;
        assert.deepStrictEqual(
            keywords.filter((k) => !inputs[camel(k)]),
            [],
        );
        for (const type of [...source.matchAll(/redis_replication\.(\w+)Args\(/g)].map((m) => m[1]!)) {
            assert.ok(schema.types[`redis-replication:index:${type}`], `redis_replication.${type}Args is no type of the schema`);
        }
    });
});

// The schema the component provider serves to every Pulumi language, generated in-process from
// the TypeScript types as `pulumi package add` has it generated: every arg and output with its
// type and description, secrets marked, and the committed snapshot in step.
import * as assert from "assert";
import * as fs from "fs";
import {
    GROUP_TOKEN as TOKEN,
    PackageSchema as Schema,
    renderedSchema,
    SchemaProperty as Property,
    SCHEMA_PATH,
} from "../../scripts/schema";
const ref = (name: string) => `#/types/redis-replication:index:${name}`;
/** A property's type in one word: string, number, boolean, array<…>, map<…>, or the type it refers to. */
function typeOf(p: Property): string {
    if (p.$ref) return p.$ref.replace("#/types/redis-replication:index:", "");
    if (p.type === "array") return `array<${typeOf(p.items!)}>`;
    if (p.type === "object" && p.additionalProperties) return `map<${typeOf(p.additionalProperties)}>`;
    return p.type!;
}

/** Every arg of RedisReplicationGroupArgs, with its type; all optional. */
const ARGS: Record<string, string> = {
    name: "string",
    network: "GroupNetwork",
    master: "NodeAddressSpec",
    replicas: "array<NodeAddressSpec>",
    replicaCount: "number",
    hostIp: "string",
    hosts: "map<GroupHost>",
    auth: "boolean",
    password: "string",
    disabledCommands: "array<string>",
    users: "array<GroupUser>",
    tls: "GroupTls",
    persistence: "PersistenceSpec",
    replication: "ReplicationSpec",
    maxmemory: "string",
    maxmemoryPolicy: "string",
    redisConfig: "map<string>",
    resources: "ResourcesSpec",
    image: "GroupImage",
    dockerContext: "string",
    restart: "string",
    checkTimeoutSeconds: "number",
    checkPollIntervalMs: "number",
    sentinel: "SentinelSpec",
    verify: "string",
    backup: "GroupBackup",
    restoreFrom: "GroupRestore",
    metrics: "GroupMetrics",
};

/** Every output of the component, with its type. */
const OUTPUTS: Record<string, string> = {
    masterEndpoint: "string",
    replicaEndpoints: "array<string>",
    masterContainerName: "string",
    replicaContainerNames: "array<string>",
    networkName: "string",
    subnet: "string",
    masterUrl: "string",
    replicaUrls: "array<string>",
    adminPassword: "string",
    connection: "GroupConnection",
    replication: "ReplicationStatus",
    imageName: "string",
    sentinelEndpoints: "array<string>",
    sentinelMasterName: "string",
    sentinelClient: "SentinelClientRecipe",
    backup: "BackupOutput",
    metrics: "MetricsOutput",
};

describe("component schema (served to every Pulumi language)", function () {
    // The analyzer compiles the package with TypeScript: seconds, not milliseconds.
    this.timeout(120_000);
    let text: string;
    let schema: Schema;

    before(async () => {
        text = await renderedSchema();
        schema = JSON.parse(text) as Schema;
    });

    it("matches the committed snapshot, provider/schema.json (`npm run schema` regenerates it)", () => {
        assert.ok(text === fs.readFileSync(SCHEMA_PATH, "utf8"), "provider/schema.json is stale: run `npm run schema` and commit it");
    });

    it("serves one component, redis-replication:index:RedisReplicationGroup", () => {
        assert.strictEqual(schema.name, "redis-replication");
        assert.deepStrictEqual(Object.keys(schema.resources), [TOKEN]);
    });

    it("lists every arg with its type and a description, none of them required", () => {
        const inputs = schema.resources[TOKEN]!.inputProperties;
        assert.deepStrictEqual(Object.fromEntries(Object.entries(inputs).map(([k, p]) => [k, typeOf(p)])), ARGS);
        for (const [k, p] of Object.entries(inputs)) assert.ok(p.description && p.description.length > 10, `${k} has no description`);
        assert.deepStrictEqual(schema.resources[TOKEN]!.requiredInputs, []);
    });

    it("lists every output with its type and a description", () => {
        const outputs = schema.resources[TOKEN]!.properties;
        assert.deepStrictEqual(Object.fromEntries(Object.entries(outputs).map(([k, p]) => [k, typeOf(p)])), OUTPUTS);
        for (const [k, p] of Object.entries(outputs)) assert.ok(p.description && p.description.length > 10, `${k} has no description`);
    });

    it("describes every property of every object type", () => {
        const undescribed = Object.entries(schema.types).flatMap(([token, t]) =>
            Object.entries(t.properties)
                .filter(([, p]) => !p.description)
                .map(([k]) => `${token}.${k}`),
        );
        assert.deepStrictEqual(undescribed, []);
    });

    it("takes another resource's output where a caller may pass one: password, dockerContext, network.existing, image.name", () => {
        const inputs = schema.resources[TOKEN]!.inputProperties;
        const notPlain = Object.keys(inputs).filter((k) => !inputs[k]!.plain);
        assert.deepStrictEqual(notPlain, ["password", "dockerContext"]);
        assert.strictEqual(schema.types["redis-replication:index:GroupNetwork"]!.properties.existing!.plain, undefined);
        assert.strictEqual(schema.types["redis-replication:index:GroupImage"]!.properties.name!.plain, undefined);
        assert.strictEqual(inputs.network!.$ref, ref("GroupNetwork"));
    });

    it("marks every property that holds a password or TLS material secret, and no other", () => {
        const resource = schema.resources[TOKEN]!;
        const secret = (props: Record<string, Property>, where: string) =>
            Object.entries(props)
                .filter(([, p]) => p.secret)
                .map(([k]) => `${where}.${k}`);
        const marked = [
            ...secret(resource.inputProperties, "args"),
            ...secret(resource.properties, "outputs"),
            ...Object.entries(schema.types).flatMap(([token, t]) => secret(t.properties, token.split(":")[2]!)),
        ];
        assert.deepStrictEqual(marked, [
            "args.password",
            "outputs.masterUrl",
            "outputs.replicaUrls",
            "outputs.adminPassword",
            "GroupUser.password",
            "GroupTls.ca",
            "GroupTls.cert",
            "GroupTls.key",
            "NodeConnection.password",
            "NodeConnection.url",
        ]);
    });
});

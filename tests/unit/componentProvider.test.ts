// The component as another language's program reaches it: the engine hands the component
// provider a Construct call whose inputs the caller's SDK serialized. Here the same path runs
// in-process under mocks: the args are serialized as a caller's SDK does, deserialized as the
// provider's server does (provider/server.js deserializeInputs), and passed to construct. The
// resource graph must be the one the TypeScript constructor registers.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type * as Components from "../../components";
import { hashedPassword } from "../../components/acl";
import type * as Provider from "../../provider/provider";
import { promiseOf } from "../../harness/pulumi";
import { ONE_MASTER_TWO_REPLICAS } from "../support/fixtures";
import { recordingMocks, Registered, reveal } from "../support/mocks";
import { PROJECT } from "../support/stackConfig";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeInputs } = require("@pulumi/pulumi/provider/server") as {
    deserializeInputs(inputs: Struct, deps: Map<string, unknown>): Promise<pulumi.Inputs>;
};

const PASSWORD = "construct-Passw0rd";
const NAME = "poly";

/** The group's args as a Python or YAML program would give them: plain values, the password a secret. */
function callerArgs(): Record<string, pulumi.Input<unknown>> {
    return {
        ...ONE_MASTER_TWO_REPLICAS,
        name: "redis-poly",
        password: pulumi.secret(PASSWORD),
        resources: { memoryMb: 256, cpus: 1 },
        redisConfig: { "lazyfree-lazy-eviction": "yes" },
    };
}

/** The inputs as construct receives them: serialized by the caller's SDK, sent as a Struct, deserialized by the server. */
async function asConstructInputs(args: Record<string, pulumi.Input<unknown>>): Promise<pulumi.Inputs> {
    const wire = await pulumi.runtime.serializeProperties("caller", args);
    return deserializeInputs(Struct.fromJavaScript(wire), new Map());
}

/** A registration in a form both runs share: secrets unwrapped, the serialized dynamic providers left out. */
function comparable(r: Registered): unknown {
    const { __provider: _provider, ...inputs } = r.inputs;
    return { type: r.type, name: r.name, inputs: JSON.parse(JSON.stringify(inputs, (_k, v: unknown) => reveal(v))) as unknown };
}

describe("component provider: construct, as another language's program reaches the group (mocks)", function () {
    // getSchema compiles the package with TypeScript's analyzer.
    this.timeout(120_000);
    let components: typeof Components;
    let providerModule: typeof Provider;
    const viaConstructor: Registered[] = [];
    const viaConstruct: Registered[] = [];
    let state: pulumi.Inputs;

    before(async () => {
        await pulumi.runtime.setMocks(recordingMocks(viaConstructor), PROJECT, "construct", false);
        components = await import("../../components");
        providerModule = await import("../../provider/provider");
        const direct = new components.RedisReplicationGroup(NAME, callerArgs() as Components.RedisReplicationGroupArgs);
        await promiseOf(direct.replication);

        await pulumi.runtime.setMocks(recordingMocks(viaConstruct), PROJECT, "construct", false);
        const provider = new providerModule.RedisReplicationProvider();
        const result = await provider.construct(NAME, components.GROUP_TYPE, await asConstructInputs(callerArgs()), {});
        state = result.state;
        await promiseOf(state.replication as pulumi.Output<unknown>);
    });

    it("registers the same resources, with the same inputs, as the TypeScript constructor", () => {
        assert.strictEqual(viaConstruct.length, viaConstructor.length);
        assert.ok(viaConstruct.length >= 17, `only ${viaConstruct.length} registrations`);
        // In name order: registrations wait on outputs, so their order is not fixed.
        const byName = (rs: Registered[]) => [...rs].sort((a, b) => a.name.localeCompare(b.name)).map(comparable);
        assert.deepStrictEqual(byName(viaConstruct), byName(viaConstructor));
    });

    it("arrives with the password as a secret and redisConfig's values as strings", () => {
        const master = viaConstruct.find((r) => r.name === `${NAME}-master`)!;
        const upload = reveal(master.inputs.uploads)[0].content as string;
        assert.match(upload, new RegExp(`^user default on ${hashedPassword(PASSWORD)} `, "m"));
        assert.match(upload, /^lazyfree-lazy-eviction yes$/m);
        const live = viaConstruct.find((r) => r.name === `${NAME}-live-config`)!;
        assert.strictEqual(reveal(live.inputs.password), PASSWORD);
        assert.notStrictEqual(live.inputs.password, PASSWORD, "the live configuration's password input is a secret");
    });

    it("returns every output of the schema; those the schema marks secret go back to the caller as secrets", async () => {
        const schema = JSON.parse(await new providerModule.RedisReplicationProvider().getSchema()) as {
            resources: Record<string, { properties: Record<string, { secret?: boolean }> }>;
        };
        const properties = schema.resources[components.GROUP_TYPE]!.properties;
        assert.deepStrictEqual(Object.keys(state).sort(), Object.keys(properties).sort());
        // As the provider's server sends the state back to the engine.
        const [wire] = await pulumi.runtime.serializeResourceProperties("construct", state);
        const sentSecret = Object.keys(wire).filter((k) => pulumi.runtime.isRpcSecret(wire[k]));
        const markedSecret = Object.keys(properties).filter((k) => properties[k]!.secret);
        // connection is secret as a whole on the wire; the schema marks its password and url.
        assert.deepStrictEqual(sentSecret.sort(), [...markedSecret, "connection"].sort());
        const url = pulumi.runtime.unwrapRpcSecret(wire.masterUrl) as string;
        assert.strictEqual(url, `redis://default:${PASSWORD}@127.0.0.1:6380`);
    });
});

// The dynamic provider: check, diff, create, update, delete.
//
// Serialization. pulumi.dynamic.Resource serializes this provider into state with Pulumi's
// closure serializer, together with every function it reaches in this folder: inputs, verify,
// probe, judge, sentinel, connection, backoff, messages, parse, providerParts and constants (types, context and
// resource are not serialized). The engine runs that text in a fresh module, so these files keep
// to these rules (tests/redis/serialized.test.ts pins them):
// - `require` a module inside the function that uses it; never capture a module object, a client
//   or a socket from outer scope. Import @pulumi/pulumi for types only.
// - A module-level const stays private to its file, or lives in constants.ts, which holds no
//   function: TypeScript rewrites an exported const's uses in its own file to `exports.X`, and
//   the serialized text would then reach into that module's exports.
// - No function is named after a global (describe, it, name...): the serializer leaves a global's
//   name to whatever the engine's process has under it.
// - Functions imported from a sibling file are fine: TypeScript calls them as
//   `(0, parse_1.parseInfo)(...)`, and the serializer captures a local module by value with only
//   the properties used, not the whole module.
import type * as pulumi from "@pulumi/pulumi";
import { inputsChanged, validateInputs } from "./inputs";
import { newId } from "./providerParts";
import type { ReplicationCheckInputs, ReplicationCheckOutputs, ReplicationCheckResult } from "./types";
import { verifyReplication } from "./verify";

function toOutputs(inputs: ReplicationCheckInputs, result: ReplicationCheckResult): ReplicationCheckOutputs {
    // The password and the TLS key never go into the outputs.
    const { password: _password, tls: _tls, ...rest } = inputs;
    void _password;
    void _tls;
    return { ...rest, ...result };
}

/** The dynamic provider. Exported so tests can call and serialize it. */
export const replicationCheckProvider: pulumi.dynamic.ResourceProvider<ReplicationCheckInputs, ReplicationCheckOutputs> = {
    async check(_olds, news) {
        const failures = validateInputs(news as unknown as Record<string, unknown>);
        return failures.length > 0 ? { inputs: news, failures } : { inputs: news };
    },
    async diff(_id, olds, news) {
        const changes = inputsChanged(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
        const result = await verifyReplication(inputs);
        return { id: newId("replcheck"), outs: toOutputs(inputs, result) };
    },
    async update(_id, olds, news) {
        // The restored keys only on the first run: by now the group may hold other data.
        const result = await verifyReplication({ ...news, restored: undefined });
        const restoredKeys = olds.restoredKeys ?? undefined;
        return { outs: { ...toOutputs(news, result), ...(restoredKeys === undefined ? {} : { restoredKeys }) } };
    },
    async delete() {
        // Nothing to undo: the check only reads (and removes its own probe key).
    },
};

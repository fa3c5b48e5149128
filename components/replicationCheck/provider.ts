// The dynamic provider: check, diff, create, update, delete.
//
// Serialization: pulumi.dynamic.Resource serializes this provider into state with every function it
// reaches (see docs/development.md#serialized-providers); types, context and resource are not
// serialized.
import type * as pulumi from "@pulumi/pulumi";
import { inputsChanged, validateInputs } from "./inputs";
import { newId } from "../redisOps/providerParts";
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

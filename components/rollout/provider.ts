// The rollout's dynamic providers: NodeRejoin waits for a node to be back in the group after its
// container was created or replaced; NodeHandover (with sentinels) fails over away from a master
// about to be replaced; the master's NodeRejoin also detaches removed replicas before the check;
// SentinelRejoin waits for a replaced sentinel to be back before the next one goes.
//
// Serialization (see docs/development.md#serialized-providers): these providers are serialized into
// state with every function they reach, and the engine runs them in a fresh module: modules are
// required inside functions, and no module-level const is exported.
import type * as pulumi from "@pulumi/pulumi";
import { differs, newId } from "../redisOps/providerParts";
import { addressOf } from "./connection";
import { followCurrent, handOver } from "./handover";
import { removeLeavers } from "./membership";
import { waitRejoined } from "./rejoin";
import { waitSentinelRejoined } from "./sentinelRejoin";
import type { HandoverResult, NodeHandoverInputs, NodeRejoinInputs, RejoinResult, SentinelRejoinInputs } from "./types";

/** Changes to these make a NodeRejoin wait again; the password and timeout alone don't. */
const REJOIN_KEYS = ["node", "replicaOf", "dataNodes", "containerId", "removesLeavers", "sentinel"];

export const nodeRejoinProvider: pulumi.dynamic.ResourceProvider<
    NodeRejoinInputs,
    Omit<NodeRejoinInputs, "password" | "tls"> & RejoinResult
> = {
    async diff(_id, olds, news) {
        const changes = differs(olds as never, news as never, REJOIN_KEYS);
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
        // A node that did not exist (a first deploy creates them side by side, a scale-up beside the
        // others) is back once it answers in its role: its link is for the master's wait and the check
        // to judge, which name the cause; the master's wait tells unlinked replicas to connect now.
        const result = await waitRejoined(inputs, false);
        const { password: _password, tls: _tls, ...rest } = inputs;
        return { id: newId("rejoin"), outs: { ...rest, ...result } };
    },
    async update(_id, olds, news) {
        // Only a new container is waited for: a node left in place keeps its role, which with
        // sentinels may no longer be the one it was deployed in.
        const result: RejoinResult =
            olds.containerId !== news.containerId
                ? await waitRejoined(news, true, olds)
                : { role: olds.role, offset: olds.offset, waitedMs: 0, linked: olds.linked };
        const detached = news.removesLeavers ? await removeLeavers(olds, news) : [];
        const { password: _password, tls: _tls, ...rest } = news;
        return { outs: { ...rest, ...result, detached } };
    },
};

/** The master once the handover is done: the node it failed over to, else the one reported when the program ran, else as followed. */
function masterAfter(inputs: NodeHandoverInputs, result: HandoverResult, replaced = true): string {
    if (result.failedOverTo !== undefined && replaced) return result.replicaOf;
    return inputs.current ?? (result.replicaOf || addressOf(inputs.node));
}

export const nodeHandoverProvider: pulumi.dynamic.ResourceProvider<
    NodeHandoverInputs,
    Omit<NodeHandoverInputs, "password" | "tls"> & HandoverResult
> = {
    async diff(_id, olds, news) {
        // Not `current`: a failover since the last `up` changes what the sentinels report, not the node.
        const changes = differs(olds as never, news as never, ["node", "fingerprint", "dataNodes", "sentinel", "deployedReplicaOf"]);
        return { changes, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
        const { password: _password, tls: _tls, ...rest } = inputs;
        const result = await followCurrent(inputs);
        return { id: newId("handover"), outs: { ...rest, ...result, masterAfter: masterAfter(inputs, result) } };
    },
    async update(_id, olds, news) {
        const { password: _password, tls: _tls, ...rest } = news;
        // Only a new fingerprint means a new container for the node; otherwise it keeps what it follows.
        const result =
            olds.fingerprint === news.fingerprint
                ? { replicaOf: olds.replicaOf, failedOverTo: olds.failedOverTo }
                : await handOver(news, olds);
        return { outs: { ...rest, ...result, masterAfter: masterAfter(news, result, olds.fingerprint !== news.fingerprint) } };
    },
};

export const sentinelRejoinProvider: pulumi.dynamic.ResourceProvider<
    SentinelRejoinInputs,
    Omit<SentinelRejoinInputs, "password" | "tls"> & { waitedMs: number }
> = {
    async diff(_id, olds, news) {
        return { changes: differs(olds as never, news as never, ["endpoint", "containerId", "sentinels", "replicas"]), replaces: [] };
    },
    async create(inputs) {
        // A new sentinel takes nothing away from the quorum: it is not waited for.
        const { password: _password, tls: _tls, ...rest } = inputs;
        return { id: newId("sentinelrejoin"), outs: { ...rest, waitedMs: 0 } };
    },
    async update(_id, olds, news) {
        // Sentinels and replicas added in this `up` come later: it must see those that were there.
        const expected = { ...news, sentinels: Math.min(olds.sentinels, news.sentinels), replicas: Math.min(olds.replicas, news.replicas) };
        const waitedMs = olds.containerId !== news.containerId ? await waitSentinelRejoined(expected) : 0;
        const { password: _password, tls: _tls, ...rest } = news;
        return { outs: { ...rest, waitedMs } };
    },
};

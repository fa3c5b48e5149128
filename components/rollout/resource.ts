// The rollout's resources, as a program constructs them. Not serialized: they hand the engine the
// providers and the inputs, with the password made secret.
import * as pulumi from "@pulumi/pulumi";
import { nodeHandoverProvider, nodeRejoinProvider, sentinelRejoinProvider } from "./provider";
import type { NodeHandoverArgs, NodeRejoinArgs, SentinelRejoinArgs } from "./types";

/** The options of a rollout resource, with the password kept secret in its outputs. */
function secretPassword(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), "password", "tls"])] };
}

/**
 * Waits, after a data node's container was created or replaced, until the node is back in the
 * group: answering in its role, and for a replica linked and caught up with its master. The next
 * node's container depends on it, so replacements go one node at a time.
 */
export class NodeRejoin extends pulumi.dynamic.Resource {
    /** The role the node reported. */
    declare readonly role: pulumi.Output<string>;
    /** How long the last wait took, in ms. */
    declare readonly waitedMs: pulumi.Output<number>;

    constructor(name: string, args: NodeRejoinArgs, opts?: pulumi.CustomResourceOptions) {
        const props = { role: undefined, waitedMs: undefined, offset: undefined, linked: undefined, ...args };
        super(
            nodeRejoinProvider,
            name,
            { ...props, password: args.password && pulumi.secret(args.password), tls: args.tls && pulumi.secret(args.tls) },
            secretPassword(opts),
            "redis",
            "NodeRejoin",
        );
    }
}

/**
 * With sentinels, before a data node's container is replaced: fails over away from it if it is the
 * master, and tells which master its new container follows.
 */
export class NodeHandover extends pulumi.dynamic.Resource {
    /** IP of the master the node's container follows, or "" to start as master. */
    declare readonly replicaOf: pulumi.Output<string>;
    /** The node the sentinels promoted before this one was replaced, if any. */
    declare readonly failedOverTo: pulumi.Output<string | undefined>;
    /** ip:port of the master once this handover is done. */
    declare readonly masterAfter: pulumi.Output<string>;
    /** The master the sentinels reported when the handover last ran. */
    declare readonly current: pulumi.Output<string | undefined>;

    constructor(name: string, args: NodeHandoverArgs, opts?: pulumi.CustomResourceOptions) {
        const props = { replicaOf: undefined, failedOverTo: undefined, masterAfter: undefined, ...args };
        super(
            nodeHandoverProvider,
            name,
            { ...props, password: args.password && pulumi.secret(args.password), tls: args.tls && pulumi.secret(args.tls) },
            secretPassword(opts),
            "redis",
            "NodeHandover",
        );
    }
}

/**
 * Waits, after a sentinel's container was replaced, until the sentinel is back with its quorum and
 * its view of the group. The next sentinel's container depends on it, so they go one at a time.
 */
export class SentinelRejoin extends pulumi.dynamic.Resource {
    /** How long the last wait took, in ms. */
    declare readonly waitedMs: pulumi.Output<number>;

    constructor(name: string, args: SentinelRejoinArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            sentinelRejoinProvider,
            name,
            {
                waitedMs: undefined,
                ...args,
                password: args.password && pulumi.secret(args.password),
                tls: args.tls && pulumi.secret(args.tls),
            },
            secretPassword(opts),
            "redis",
            "SentinelRejoin",
        );
    }
}

// The ReplicationCheck resource: what a program constructs. Not serialized: it hands the engine
// the provider and the inputs, with the password made secret.
import * as pulumi from "@pulumi/pulumi";
import { replicationCheckProvider } from "./provider";
import type { ReplicaStatus, ReplicationCheckArgs, SentinelStatus } from "./types";

/**
 * Verifies that a master and its replicas replicate: every replica linked, read-only and following
 * the right master, and a probe write seen on all of them. With `sentinel`, also that every sentinel
 * sees the master up, the replicas and the other sentinels, and can reach its quorum; the master is
 * then whichever node the sentinels report, so a check after a failover verifies the group as it is.
 * Re-runs when an endpoint, an expected IP, the replica or sentinel list or a container id changes.
 */
export class ReplicationCheck extends pulumi.dynamic.Resource {
    /** What the check verified, in a sentence. */
    declare readonly verified: pulumi.Output<string>;
    /** master_replid of the master when the check passed. */
    declare readonly masterReplId: pulumi.Output<string>;
    /** How long the check took, in ms. */
    declare readonly durationMs: pulumi.Output<number>;
    /** When the check passed (ISO time). */
    declare readonly passedAt: pulumi.Output<string>;
    /** Link status, offset and lag of each replica when the check passed. */
    declare readonly replicaStatus: pulumi.Output<ReplicaStatus[]>;
    /** Container name of the master when the check passed (with sentinel: as the sentinels reported it). */
    declare readonly currentMaster: pulumi.Output<string>;
    /** Host endpoint of that master. */
    declare readonly currentMasterEndpoint: pulumi.Output<string>;
    /** What each sentinel reported; undefined without sentinel. */
    declare readonly sentinelStatus: pulumi.Output<SentinelStatus[] | undefined>;
    /** The live configuration's generation the check verified. */
    declare readonly configGeneration: pulumi.Output<number>;
    /** After a restore: the keys every data node held when the check first passed. */
    declare readonly restoredKeys: pulumi.Output<number | undefined>;

    constructor(name: string, args: ReplicationCheckArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            verified: undefined,
            masterReplId: undefined,
            durationMs: undefined,
            passedAt: undefined,
            replicaStatus: undefined,
            currentMaster: undefined,
            currentMasterEndpoint: undefined,
            sentinelStatus: undefined,
            restoredKeys: undefined,
            ...args,
            password: args.password === undefined ? undefined : pulumi.secret(args.password),
            tls: args.tls === undefined ? undefined : pulumi.secret(args.tls),
        };
        const secretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), "password", "tls"])];
        super(replicationCheckProvider, name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "redis", "ReplicationCheck");
    }
}

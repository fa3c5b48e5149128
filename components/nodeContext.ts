// What the node resources of one group are made from, and what they are.
import * as pulumi from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";
import type { GroupPlan, NodePlan } from "../config";
import type { GroupCredentials } from "./acl";
import type { NodePlace } from "./naming";
import type { DataTarget } from "./restore/types";
import type { NodeRejoin, SentinelRejoin } from "./rollout";
import type { TlsClient, TlsPem } from "./tls";

/** What every node resource of one group is made from. */
export interface NodeContext {
    /** The component's resource name: children are named after it. */
    name: string;
    plan: GroupPlan;
    parent: pulumi.Resource;
    /** Where each node runs. */
    place: (node: NodePlan) => NodePlace;
    password: pulumi.Output<string> | undefined;
    /** The group's own users' passwords (secret). */
    creds: pulumi.Output<GroupCredentials>;
    /** The configured users' full rules (passwords hashed), by name (secret). */
    users: pulumi.Output<Record<string, string>>;
    /** The sentinels' users beside admin (the metrics user), by name (secret); undefined when there are none. */
    sentinelUsers?: pulumi.Output<Record<string, string>>;
    /** The group's TLS certificate, key and CA (secret), when it has TLS. */
    tls?: pulumi.Output<TlsPem>;
    /** How the rollout connects: the admin user, its password secret, over TLS when the group has it. */
    admin: { username: string; password: pulumi.Output<string>; tls?: pulumi.Output<TlsClient> };
    /** What the first node's replacement waits for (the live configuration). */
    before: pulumi.Resource[];
    /** What every node resource waits for: the preflight. */
    preflight: pulumi.Resource[];
    /** The Docker engines of the group's live hosts, as the dynamic providers reach them (undefined: the default one). */
    engines: pulumi.Input<string | undefined>[];
    /** With restoreFrom: seeds the master's data directory before its container starts; the container waits for it. */
    seedMaster?: (target: pulumi.Input<DataTarget>, after: pulumi.Input<pulumi.Resource[]>) => pulumi.Resource;
}

/** The group's node resources. */
export interface GroupNodes {
    /** The master's container. */
    master: docker.Container;
    /** The replicas' containers, in plan order. */
    replicas: docker.Container[];
    sentinels: docker.Container[];
    /** The data nodes' NodeRejoin waits, in plan order (the rollout's order is read when the program runs). */
    rejoins: NodeRejoin[];
    /** The sentinels' SentinelRejoin waits. */
    sentinelRejoins: SentinelRejoin[];
}

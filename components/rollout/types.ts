// The rollout's public types: what a program passes to NodeHandover and NodeRejoin, and what the
// providers' methods receive. Types only.
import type * as pulumi from "@pulumi/pulumi";
import type { TlsClient } from "../tls";

/** One data node of the group, as the rollout reaches it. */
export interface RolloutNode {
    /** Container name, for messages. */
    name: string;
    /** host:port where the rollout reaches it (its published port). */
    endpoint: string;
    /** How the others and the sentinels know it: its static IP, or across hosts its host's address. */
    ip: string;
    /** The port they know it by: inside its network (default 6379), or across hosts its published port. */
    port?: number;
    /** With several hosts: the Docker engine it runs on (a Docker provider's host). */
    docker?: string;
}

/** The sentinels, when the group has them: then the master is whichever node they report. */
export interface RolloutSentinel {
    /** The name the sentinels monitor the master under. */
    masterName: string;
    /** host:port of each sentinel. */
    endpoints: string[];
}

/** Arguments of a NodeRejoin: wait until a data node is back in the group. */
export interface NodeRejoinArgs {
    /** The node to wait for. */
    node: pulumi.Input<RolloutNode>;
    /** ip:port of the master the node must follow, or "" when the node is to be the master. */
    replicaOf: pulumi.Input<string>;
    /** Every data node, to find the master's endpoint by its address. */
    dataNodes: pulumi.Input<pulumi.Input<RolloutNode>[]>;
    /** The user the wait logs in as on the nodes and sentinels. Default `default`. */
    username?: pulumi.Input<string>;
    /** That user's password, made secret; undefined when the nodes take none. */
    password?: pulumi.Input<string>;
    /** With TLS: the certificate, key and CA it connects with, made secret. */
    tls?: pulumi.Input<TlsClient>;
    /** The node's container id: a new one means the node was replaced, and the wait runs again. */
    containerId: pulumi.Input<string>;
    /** How long to wait, in ms. */
    timeoutMs: pulumi.Input<number>;
    /**
     * On the last node's NodeRejoin only: data nodes no longer declared are detached from the
     * group before the check (and, with sentinels, forgotten by them).
     */
    removesLeavers?: pulumi.Input<boolean>;
    /** The sentinels, when the group has them. */
    sentinel?: pulumi.Input<RolloutSentinel>;
}

/** The plain values NodeRejoin's provider receives. */
export interface NodeRejoinInputs {
    node: RolloutNode;
    replicaOf: string;
    dataNodes: RolloutNode[];
    username?: string;
    password?: string;
    tls?: TlsClient;
    containerId: string;
    timeoutMs: number;
    removesLeavers?: boolean;
    sentinel?: RolloutSentinel;
}

/** What a NodeRejoin saw when the node was back. */
export interface RejoinResult {
    /** "master" or "replica", as the node reported it. */
    role: string;
    /** Its replication offset when it had caught up. */
    offset: number;
    /** How long the wait took, in ms. */
    waitedMs: number;
    /** Whether the wait required the link to the master (false on a first deploy, before the master exists). */
    linked: boolean;
    /** The data nodes detached from the group in this `up`, as no longer declared. */
    detached?: string[];
}

/** Arguments of a NodeHandover: prepare a data node for its (re)placement. With sentinels only. */
export interface NodeHandoverArgs {
    /** The node about to be created or replaced. */
    node: pulumi.Input<RolloutNode>;
    /** ip:port of the master the node follows as deployed ("" for the node deployed as master). */
    deployedReplicaOf: pulumi.Input<string>;
    /** A digest of every input whose change replaces the node's container. */
    fingerprint: pulumi.Input<string>;
    /** Every data node, to map the sentinels' master address to a node. */
    dataNodes: pulumi.Input<pulumi.Input<RolloutNode>[]>;
    /** The sentinels. */
    sentinel: pulumi.Input<RolloutSentinel>;
    /** The user the handover logs in as on the nodes and sentinels. Default `default`. */
    username?: pulumi.Input<string>;
    /** That user's password, made secret; undefined when the nodes take none. */
    password?: pulumi.Input<string>;
    /** With TLS: the certificate, key and CA it connects with, made secret. */
    tls?: pulumi.Input<TlsClient>;
    /** How long a failover may take, in ms. */
    timeoutMs: pulumi.Input<number>;
    /** ip:port of the master the sentinels reported when the program ran; undefined when none answered. */
    current?: pulumi.Input<string | undefined>;
}

/** The plain values NodeHandover's provider receives. */
export interface NodeHandoverInputs {
    node: RolloutNode;
    deployedReplicaOf: string;
    fingerprint: string;
    dataNodes: RolloutNode[];
    sentinel: RolloutSentinel;
    username?: string;
    password?: string;
    tls?: TlsClient;
    timeoutMs: number;
    current?: string;
}

/** What a NodeHandover decided. */
export interface HandoverResult {
    /** ip:port of the master the node's new container follows, or "" when it is to start as master. */
    replicaOf: string;
    /** Container name of the node the sentinels promoted before this one was replaced, if any. */
    failedOverTo?: string;
    /**
     * ip:port of the master once this handover is done: the node it failed over to, or the master
     * the sentinels reported when the program ran. The last handover's is what new sentinels monitor.
     */
    masterAfter?: string;
}

/** Arguments of a SentinelRejoin: wait until a sentinel is back in the group after its container was replaced. */
export interface SentinelRejoinArgs {
    /** Container name, for messages. */
    name: pulumi.Input<string>;
    /** host:port where the wait reaches it. */
    endpoint: pulumi.Input<string>;
    /** The name the sentinels monitor the master under. */
    masterName: pulumi.Input<string>;
    /** How many sentinels the group has: it must see the others. */
    sentinels: pulumi.Input<number>;
    /** How many replicas the group has: it must see them. */
    replicas: pulumi.Input<number>;
    /** The user the wait logs in as. Default `default`. */
    username?: pulumi.Input<string>;
    /** That user's password, made secret. */
    password?: pulumi.Input<string>;
    /** With TLS: the certificate, key and CA it connects with, made secret. */
    tls?: pulumi.Input<TlsClient>;
    /** The sentinel's container id: a new one means it was replaced, and the wait runs. */
    containerId: pulumi.Input<string>;
    /** How long to wait, in ms. */
    timeoutMs: pulumi.Input<number>;
}

/** The plain values SentinelRejoin's provider receives. */
export interface SentinelRejoinInputs {
    name: string;
    endpoint: string;
    masterName: string;
    sentinels: number;
    replicas: number;
    username?: string;
    password?: string;
    tls?: TlsClient;
    containerId: string;
    timeoutMs: number;
}

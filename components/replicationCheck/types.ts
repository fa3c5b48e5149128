// The check's public shapes: what the resource takes, what its provider receives, and what it reports.
import type * as pulumi from "@pulumi/pulumi";
import type { RestoredKeys } from "../restore/types";
import type { TlsClient } from "../tls";

export type { RestoredKeys };

/** One replica the check must find linked. */
export interface ReplicaTarget {
    /** Container name, for messages. */
    name: string;
    /** host:port where the check reaches the replica (its published port). */
    endpoint: string;
    /** How the master lists it: its static IP on the Docker network, or across hosts its host's address. */
    ip: string;
    /** The port it is listed with: inside its network (default masterPort), or across hosts its published port. */
    port?: number;
}

/** One sentinel the check must find agreeing on the group. */
export interface SentinelTarget {
    /** Container name, for messages. */
    name: string;
    /** host:port where the check reaches the sentinel (its published port). */
    endpoint: string;
    /** How the other sentinels list it: its static IP, or across hosts its host's address. */
    ip: string;
    /** The port they list it with: inside its network (default 26379), or across hosts its published port. */
    port?: number;
}

/** Arguments for the check's Sentinel part. */
export interface SentinelCheckArgs {
    /** The name the sentinels monitor the master under. */
    masterName: pulumi.Input<string>;
    /** The quorum every sentinel must report. */
    quorum: pulumi.Input<number>;
    /** Every sentinel of the group; each must see the master, the replicas and all the others. */
    sentinels: pulumi.Input<pulumi.Input<SentinelTarget>[]>;
}

/** The plain values of the check's Sentinel part. */
export interface SentinelCheck {
    masterName: string;
    quorum: number;
    sentinels: SentinelTarget[];
}

/** Arguments for a ReplicationCheck. */
export interface ReplicationCheckArgs {
    /** The master's container name, for messages. With sentinel: the node deployed as master. */
    masterContainer: pulumi.Input<string>;
    /** host:port where the check reaches the master, e.g. "127.0.0.1:6380". */
    masterEndpoint: pulumi.Input<string>;
    /** What each replica's master_host must say: the master's static IP, or across hosts its host's address. */
    masterIp: pulumi.Input<string>;
    /** What each replica's master_port must say: the master's port inside its network (default 6379), or across hosts its published port. */
    masterPort?: pulumi.Input<number>;
    /** The replicas that must be linked to the master. With sentinel: the nodes deployed as replicas. */
    replicas: pulumi.Input<pulumi.Input<ReplicaTarget>[]>;
    /** How many replicas the master must report; must equal replicas.length. */
    expectedReplicas: pulumi.Input<number>;
    /** Sentinels to verify; then the master is whichever node they report, and every other node must be its replica. */
    sentinel?: pulumi.Input<SentinelCheckArgs>;
    /** The user the check logs in as on every node and sentinel. Default `default`. */
    username?: pulumi.Input<string>;
    /** That user's password, made secret; undefined when the nodes take none. */
    password?: pulumi.Input<string>;
    /** With TLS: the certificate, key and CA the check connects with, made secret. */
    tls?: pulumi.Input<TlsClient>;
    /** How long to wait for the group to become healthy, in ms. Default 60000. */
    timeoutMs?: pulumi.Input<number>;
    /** First poll interval in ms, doubling up to max(this, 50). Default 10. */
    pollIntervalMs?: pulumi.Input<number>;
    /** Ids of the containers checked: a change re-runs the check. */
    containerIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The live configuration's generation: a change re-runs the check, which reports the one it verified. */
    configGeneration?: pulumi.Input<number>;
    /** Any value; a new one re-runs the check (verify "always" gives a new one on every run). */
    verifyToken?: pulumi.Input<string>;
    /** After a restore: what the file held. The check's first run proves every node holds as many keys. */
    restored?: pulumi.Input<RestoredKeys>;
}

/** The plain values the provider's methods receive. */
export interface ReplicationCheckInputs {
    masterContainer: string;
    masterEndpoint: string;
    masterIp: string;
    masterPort?: number;
    replicas: ReplicaTarget[];
    expectedReplicas: number;
    sentinel?: SentinelCheck;
    username?: string;
    password?: string;
    tls?: TlsClient;
    timeoutMs?: number;
    pollIntervalMs?: number;
    containerIds: string[];
    configGeneration?: number;
    verifyToken?: string;
    restored?: RestoredKeys;
}

/** What the check saw on one replica when it passed. */
export interface ReplicaStatus {
    /** Container name. */
    name: string;
    /** host:port where the check reached it. */
    endpoint: string;
    /** master_link_status: "up" when the check passed. */
    linkStatus: string;
    /** The replica's replication offset. */
    offset: number;
    /** How many bytes it was behind the master's offset. */
    lagBytes: number;
}

/** What one sentinel reported when the check passed. */
export interface SentinelStatus {
    /** Container name. */
    name: string;
    /** host:port where the check reached it. */
    endpoint: string;
    /** ip:port of the master, as the sentinel reports it. */
    master: string;
    /** How many replicas the sentinel lists for the master. */
    numSlaves: number;
    /** How many other sentinels it knows. */
    numOtherSentinels: number;
    /** The quorum it reports. */
    quorum: number;
}

/** What a passing check reports. */
export interface ReplicationCheckResult {
    /** What the check verified, in a sentence. */
    verified: string;
    masterReplId: string;
    durationMs: number;
    passedAt: string;
    /** Container name of the node that was master: with sentinel, the one the sentinels reported. */
    currentMaster: string;
    /** Its endpoint on the host. */
    currentMasterEndpoint: string;
    replicaStatus: ReplicaStatus[];
    /** Each sentinel's view; only with sentinel. */
    sentinelStatus?: SentinelStatus[];
    /** After a restore, on the check's first run: the keys every data node held. */
    restoredKeys?: number;
}

/** State stored for a check: its inputs without the password and the TLS key, plus the result. */
export type ReplicationCheckOutputs = Omit<ReplicationCheckInputs, "password" | "tls"> & ReplicationCheckResult;

/** One fact seen on a node; a fatal one will not heal by waiting. */
export interface Fact {
    what: string;
    hint?: string;
    fatal?: boolean;
}

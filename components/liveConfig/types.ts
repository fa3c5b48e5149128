// The live configuration's public types: what a program passes to LiveConfig, PasswordCommit and
// NodeBoot, and what their providers receive and keep. Types only.
import type * as pulumi from "@pulumi/pulumi";
import type { TlsClient, TlsPem } from "../tls";
import type { RolloutNode } from "../rollout";

/** A node or sentinel the live configuration reaches. */
export interface LiveTarget {
    /** Container name, for messages. */
    name: string;
    /** host:port where it is reached (its published port). */
    endpoint: string;
    /** With several hosts: the Docker engine it runs on (a Docker provider's host); undefined: the default engine. */
    docker?: string;
}

/** A user and a password to log in with; no user means `default`. */
export interface Login {
    username?: string;
    password?: string;
}

/** The group's own ACL users, as LiveConfig makes sure every running node and sentinel has them. */
export interface AclSettings {
    /** The application user's command rules (without its password). */
    defaultRules: string;
    /** The group's own users and the configured ones on the data nodes: name to full rules, passwords hashed. */
    users: Record<string, string>;
    /** The admin user on the sentinels: full rules, password hashed. */
    sentinelAdmin: string;
    /** More users on the sentinels (the exporters' metrics user): name to full rules, passwords hashed. */
    sentinelUsers?: Record<string, string>;
    /** masteruser and masterauth: how a replica logs in to its master. */
    replication: Required<Login>;
    /** Sentinel's auth-user and auth-pass: how a sentinel logs in to the nodes. */
    sentinel: Required<Login>;
}

/** The sentinels, when the group has them. */
export interface LiveSentinels {
    /** The name they monitor the master under. */
    masterName: string;
    nodes: LiveTarget[];
}

/** Arguments of a LiveConfig: apply the live settings and a new password to the running group. */
export interface LiveConfigArgs {
    /** Every declared data node. Only those already running before this `up` are changed. */
    dataNodes: pulumi.Input<pulumi.Input<RolloutNode>[]>;
    /** The sentinels, when the group has them. */
    sentinel?: pulumi.Input<LiveSentinels>;
    /** The live settings, directive to value as CONFIG SET takes it. */
    settings: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** The application user's password on the nodes and sentinels; undefined when auth is off. Kept as a secret. */
    password?: pulumi.Input<string>;
    /** The group's own ACL users. Kept as a secret. */
    acl: pulumi.Input<AclSettings>;
    /** What the live configuration logs in as: the admin user. Kept as a secret. */
    admin: pulumi.Input<Login>;
    /** With TLS: the certificate, key and CA it connects with. Kept as a secret. */
    tls?: pulumi.Input<TlsClient>;
    /** How long a sentinel may take to get its links back after a password change, in ms; connects and commands wait at most 5 s. */
    timeoutMs: pulumi.Input<number>;
}

/** The plain values LiveConfig's provider receives. */
export interface LiveConfigInputs {
    dataNodes: RolloutNode[];
    sentinel?: LiveSentinels;
    settings: Record<string, string>;
    password?: string;
    /** Absent in the state of a LiveConfig made before the group had ACL users. */
    acl?: AclSettings;
    admin: Login;
    tls?: TlsClient;
    timeoutMs: number;
}

/** What LiveConfig keeps: its inputs (the password as a secret) and what it did last. */
export interface LiveConfigOutputs extends LiveConfigInputs {
    /** 1 on the first deploy, one more for each `up` that changed a live setting or the password. */
    generation: number;
    /** The directives the last change set, as "directive value". */
    changed: string[];
    /** Whether the last change admitted a new password. */
    admittedPassword: boolean;
}

/** Arguments of a PasswordCommit: after the rollout, retire every password but the current one. */
export interface PasswordCommitArgs {
    dataNodes: pulumi.Input<pulumi.Input<RolloutNode>[]>;
    sentinel?: pulumi.Input<LiveSentinels>;
    /** The current password. Kept as a secret. */
    password: pulumi.Input<string>;
    /** What the commit logs in as: the admin user. Kept as a secret. */
    admin: pulumi.Input<Login>;
    /** With TLS: the certificate, key and CA it connects with. Kept as a secret. */
    tls?: pulumi.Input<TlsClient>;
    timeoutMs: pulumi.Input<number>;
    /**
     * The live configuration's generation when it last admitted a password; undefined when its last
     * change admitted none. A new one retires every other password, even the same as before: an
     * `up` that failed after admitting one and never committed leaves it taken.
     */
    admittedAt?: pulumi.Input<number | undefined>;
}

export interface PasswordCommitInputs {
    dataNodes: RolloutNode[];
    sentinel?: LiveSentinels;
    password: string;
    admin: Login;
    tls?: TlsClient;
    timeoutMs: number;
    admittedAt?: number;
}

/** What a node's container is created with, besides what replaces it when it changes. */
export interface BootSettings {
    password?: string;
    /** The live settings. */
    live: Record<string, string>;
    /** The application user's command rules; absent in a NodeBoot made before they were. */
    defaultRules?: string;
    /** The configured users' full rules (password hashed), by name. */
    users?: Record<string, string>;
    /** The TLS certificate, key and CA, when the group has TLS. */
    tls?: TlsPem;
    /** A sentinel's: ip:port of the master it monitors at boot; absent in a NodeBoot made before it was kept. */
    follows?: string;
}

/** Arguments of a NodeBoot: what the node's container is created with. */
export interface NodeBootArgs {
    /** A digest of every input whose change replaces the node's container. */
    fingerprint: pulumi.Input<string>;
    /** The settings a container created now would get. Kept as a secret. */
    current: pulumi.Input<BootSettings>;
}

export interface NodeBootInputs {
    fingerprint: string;
    current: BootSettings;
}

/** What NodeBoot keeps: `boot` changes only with the fingerprint, so a live change replaces nothing. */
export interface NodeBootOutputs extends NodeBootInputs {
    boot: BootSettings;
}

/**
 * What PasswordCommit keeps: its inputs, and whether every other password is retired.
 */
export interface PasswordCommitOutputs extends PasswordCommitInputs {
    /**
     * False in the state a failed commit leaves: a node or sentinel may still take another
     * password besides `password`. Absent in a state from before it was kept: taken as true.
     */
    othersRetired?: boolean;
}

// The component's arguments, shaped for every Pulumi language: interfaces only, no unions, a
// JSDoc on every field (it becomes the description in each language's SDK), and `Input<T>` where
// a caller may pass another resource's output. The stack config keeps its own shape (config/types.ts).
import type * as pulumi from "@pulumi/pulumi";
import type { NodeAddressSpec, PersistenceSpec, ReplicationSpec, ResourcesSpec, SentinelSpec } from "../config";

/** The group's Docker network: one the group creates, or an existing one it joins. */
export interface GroupNetwork {
    /** Subnet of the network the group creates, e.g. 10.89.0.0/24. With `existing`, optional and only used to check IPs. Default 10.89.0.0/24. */
    subnet?: string;
    /** Gateway of the created network. Default the subnet's first host address. */
    gateway?: string;
    /** Name of an existing Docker network to join instead of creating one; may be another resource's output. */
    existing?: pulumi.Input<string>;
}

/** The image the nodes run. */
export interface GroupImage {
    /** Run this existing image and build nothing; may be another resource's output (e.g. a docker.Image's imageName). */
    name?: pulumi.Input<string>;
    /** Base image for docker/Dockerfile. Default the pinned official Redis image. */
    baseImage?: string;
}

/** One Docker host of a group spread over several. */
export interface GroupHost {
    /** The IPv4 address other hosts and clients reach this host on: nodes announce it, and replicas and sentinels connect to it. */
    address: string;
    /** The address the ports are published on. Default `address`. */
    publishIp?: string;
    /** The host's Docker engine, as a Docker provider's host: unix://, tcp:// or ssh://user@host. Default the local engine (DOCKER_HOST). */
    dockerHost?: string;
    /** Extra ssh options for an ssh:// dockerHost, e.g. ["-o", "StrictHostKeyChecking=no"]. */
    sshOpts?: string[];
    /** True when the host's machine is gone for good: its nodes move to the other hosts and its resources leave the state without a call to its engine. Drop the host from hosts in a later up. */
    lost?: boolean;
}

/** An ACL user of the group's, beside its own. */
export interface GroupUser {
    /** The user name; not one of the group's own (default, admin, replication, sentinel, healthcheck). */
    name: string;
    /** Its password (secret), 8 characters or more; in redis.conf only as its hash. */
    password: pulumi.Input<string>;
    /** Its ACL rules, e.g. "~cache:* +@read +@write": key and channel patterns, commands and categories. */
    rules: string;
}

/** TLS on every node and sentinel: clients, replication and Sentinel. */
export interface GroupTls {
    /** The CA certificate (PEM, secret) that signed `cert`: the nodes and the group's own tools trust it. */
    ca: pulumi.Input<string>;
    /** The nodes' certificate (PEM, secret), for servers and clients alike: nodes log in to each other with it. It must name hostIp, or serverName. */
    cert: pulumi.Input<string>;
    /** Its private key (PEM, RSA, secret). */
    key: pulumi.Input<string>;
    /** tls-auth-clients: clients must present a certificate the CA signed. Default false. */
    authClients?: boolean;
    /** Replicas (and sentinels) log in over TLS. Default true; false: replicas in plaintext on the plaintext port (not with sentinel). */
    replication?: boolean;
    /** The nodes also listen in plaintext on port 6380 on the group's network (never published). Default false. */
    plaintextPort?: boolean;
    /** The DNS name clients check the certificate against. Default the address they connect to (hostIp). */
    serverName?: string;
}

/** Scheduled backups from a replica into a host directory, plus one on destroy and one before a rollout that replaces the master. */
export interface GroupBackup {
    /** How often: a duration such as "1h", "30m", "1h30m" or "90s". */
    every: string;
    /** How many backups to keep (1 or more); the oldest go only once a newer one passed redis-check-rdb. */
    keep: number;
    /** Absolute directory on the host of the node that serves the backups; created if missing, writable by uid 999. */
    dir: string;
    /** "replica" (a backup never forks the master) or "master" (only when the group has no replica). Default "replica". */
    from?: string;
    /** A backup on `pulumi destroy` (or when the group is removed), while every node still runs. Default true. */
    final?: boolean;
    /** A backup before the first node of an `up` that replaces the master. Default true. */
    beforeRollout?: boolean;
}

/** The RDB file a new group's master starts from: `file`, or `dir` with `latest: true`. */
export interface GroupRestore {
    /** Absolute path of an .rdb file on the deploying machine. */
    file?: string;
    /** Absolute path of a backup directory on the deploying machine; its newest backup is restored. */
    dir?: string;
    /** With dir: true, restore the newest backup in it. */
    latest?: boolean;
}

/** Prometheus metrics: a redis_exporter per Docker engine scraping every node and sentinel, and alert rules for the group. */
export interface GroupMetrics {
    /** Default true when metrics is given; false turns it off. */
    enabled?: boolean;
    /** The redis_exporter image. Default a pinned oliver006/redis_exporter. */
    image?: string;
    /** Host port the exporter is published on. Default 9121. */
    hostPort?: number;
    /** Address the exporter is published on (one engine only). Default hostIp. */
    hostIp?: string;
    /** Byte lag (master offset minus replica offset) above which RedisReplicaLagging fires. Default 16 MiB. */
    lagBytes?: number;
}

/** Arguments for a replication group. Give `replicas` or `replicaCount`, not both. */
export interface RedisReplicationGroupArgs {
    /** Prefix of container, network and volume names; a valid Docker name. Default the resource's name. */
    name?: string;
    /** The Docker network. Default a new network on 10.89.0.0/24. */
    network?: GroupNetwork;
    /** The master's address. Default the first free host address and host port 6380. */
    master?: NodeAddressSpec;
    /** The replicas, each with its static IP and host port. Instead of `replicaCount`. */
    replicas?: NodeAddressSpec[];
    /** How many replicas, their IPs and host ports following the master's. Instead of `replicas`. Default 2. */
    replicaCount?: number;
    /** Host address the ports are published on. Default 127.0.0.1. Not with hosts. */
    hostIp?: string;
    /** Several Docker hosts, by name: each node runs on the host it names (default the hosts in turn) and is reached on that host's address. Default one engine. */
    hosts?: Record<string, GroupHost>;
    /** Password auth for applications (the default user). Default true; false also turns protected mode off, so it needs hostIp on loopback. */
    auth?: boolean;
    /** The application user's (default) password on every node and sentinel (secret); required unless auth is false. A new one is rotated live, with no container replaced. */
    password?: pulumi.Input<string>;
    /** Commands the application user (`default`) may not run, beside the admin ones (CONFIG, REPLICAOF, SHUTDOWN, ...). Default FLUSHALL and FLUSHDB; [] allows them. */
    disabledCommands?: string[];
    /** More ACL users, each with its own password and rules; added, changed and removed on the running nodes. */
    users?: GroupUser[];
    /** TLS on every node and sentinel, replication and Sentinel included; the URLs become rediss://. Default off. */
    tls?: GroupTls;
    /** Persistence and volumes. Default AOF on, a named volume per node. */
    persistence?: PersistenceSpec;
    /** Typed replication settings. */
    replication?: ReplicationSpec;
    /** maxmemory, e.g. "256mb". Default none. */
    maxmemory?: string;
    /** maxmemory-policy. Default noeviction. */
    maxmemoryPolicy?: string;
    /** Other redis.conf directives, name to value; those the group owns are refused. */
    redisConfig?: Record<string, string>;
    /** Container limits. Default none. */
    resources?: ResourcesSpec;
    /** Which image to run. Default docker/Dockerfile built on the pinned Redis image. */
    image?: GroupImage;
    /** Directory with the Dockerfile to build, relative to the program. Default the package's docker/. */
    dockerContext?: pulumi.Input<string>;
    /** Docker restart policy: no, on-failure, always or unless-stopped. Default unless-stopped. */
    restart?: string;
    /** How long the replication check may wait for every link, in seconds. Default 60. */
    checkTimeoutSeconds?: number;
    /** The check's first poll interval in ms; it backs off to max(this, 50). Default 10. */
    checkPollIntervalMs?: number;
    /** Redis Sentinel for automatic failover; present (even empty) means on. Default off. */
    sentinel?: SentinelSpec;
    /** When the replication check runs: "changes" (an `up` that changes the group) or "always" (every `up`). Default "changes". */
    verify?: string;
    /** Scheduled backups, a final one on destroy and one before a rollout that replaces the master. Default none. */
    backup?: GroupBackup;
    /** Seed a new group's master from an RDB file; the check then proves every node holds its keys. Refused for a running group. */
    restoreFrom?: GroupRestore;
    /** Prometheus metrics for every node and sentinel, with file_sd targets and alert rules as outputs. Default off. */
    metrics?: GroupMetrics;
}

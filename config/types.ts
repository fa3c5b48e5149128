// The shapes of a group's settings: the spec as written (every field optional) and the plan
// parseGroupConfig makes of it (validated, every default applied).
import type { UserPlan } from "./acl";
import type { TlsPlan } from "./tls";

/** An ACL user of the group's, beside its own. */
export interface UserSpec {
    /** The user name; not one of the group's own (default, admin, replication, sentinel, healthcheck). */
    name?: string;
    /** Its password, 8 characters or more; kept as a secret, and in redis.conf only as its hash. */
    password?: string;
    /** Its ACL rules, e.g. "~cache:* +@read +@write": key and channel patterns, commands and categories. */
    rules?: string;
}

/** TLS as the settings write it. */
export interface TlsSpec {
    /** The CA certificate (PEM) that signed `cert`. */
    ca?: string;
    /** The nodes' certificate (PEM), for servers and clients alike: nodes log in to each other with it. */
    cert?: string;
    /** Its private key (PEM, RSA). */
    key?: string;
    /** tls-auth-clients: clients must present a certificate the CA signed. Default false. */
    authClients?: boolean;
    /** Replicas (and sentinels) log in over TLS. Default true; false: replicas in plaintext on the plaintext port (not with sentinel). */
    replication?: boolean;
    /** The nodes also listen in plaintext on port 6380 on the group's network (never published). Default false. */
    plaintextPort?: boolean;
    /** The DNS name clients check the certificate against. Default the address they connect to (hostIp). */
    serverName?: string;
}

/** A node's static address on the group's network and its published port on the Docker host. */
export interface NodeAddressSpec {
    /** Static IPv4 address on the group's Docker network. */
    ip?: string;
    /** Port on the Docker host that maps to the node's 6379. */
    hostPort?: number;
    /** With hosts: the host it runs on. Default the hosts in turn (master, replicas; sentinels from the first host). */
    host?: string;
}

/** One Docker host of a group spread over several. */
export interface HostSpec {
    /** The IPv4 address other hosts and clients reach this host on: nodes announce it, and replicas and sentinels connect to it. */
    address?: string;
    /** The address the ports are published on. Default `address`. */
    publishIp?: string;
    /** The host's Docker engine, as a Docker provider's host: unix://, tcp:// or ssh://user@host. Default the local engine (DOCKER_HOST). */
    dockerHost?: string;
    /** Extra ssh options for an ssh:// dockerHost, e.g. ["-o", "StrictHostKeyChecking=no"]. */
    sshOpts?: string[];
    /** True when the host's machine is gone for good: its nodes move to the other hosts and its resources leave the state without a call to its engine. Drop the host from hosts in a later up. */
    lost?: boolean;
}

/** The group's Docker network: either one the group creates, or an existing one. */
export interface NetworkSpec {
    /** Subnet of the network the group creates, e.g. 10.89.0.0/24. With `existing`, optional and only used to check IPs. */
    subnet?: string;
    /** Gateway of the created network. Default: the subnet's first host address. */
    gateway?: string;
    /** Name of an existing Docker network to join instead of creating one. */
    existing?: string;
}

/** Where each node keeps /data. */
export interface PersistenceSpec {
    /** Append-only file on (appendonly yes, fsync every second). Default true. */
    appendonly?: boolean;
    /** RDB snapshot rules as "seconds changes", e.g. ["3600 1", "300 100"]; [] turns RDB off. Default Redis's own. */
    save?: string[];
    /** "named": a Docker volume per node (default). "hostPath": a directory per node under `hostPath`. */
    volume?: string;
    /** Absolute host directory for volume "hostPath"; each node gets <hostPath>/<node>/{data,conf}. */
    hostPath?: string;
    /** Keep the data volumes when the group is destroyed. Default false. */
    retain?: boolean;
    /**
     * With no AOF and no RDB, let the master restart on its own anyway: it then comes back empty,
     * and its replicas resync from it and empty themselves. Default false: such a master gets restart "no".
     */
    acceptRestartWipingReplicas?: boolean;
}

/** Replication settings the group types for you. */
export interface ReplicationSpec {
    /** min-replicas-to-write: the master refuses writes with fewer linked replicas. Default 0 (off). */
    minReplicasToWrite?: number;
    /** min-replicas-max-lag in seconds. Default 10. */
    minReplicasMaxLag?: number;
    /** repl-diskless-sync: stream the snapshot to replicas instead of writing it to disk first. Default false (see docs/performance.md). */
    disklessSync?: boolean;
    /** repl-diskless-sync-delay in seconds, with disklessSync. Default 0: Redis's own 5 s delays every first link-up by 5 s. */
    disklessSyncDelay?: number;
}

/** Per-container limits. */
export interface ResourcesSpec {
    /** Memory limit per container in MiB. */
    memoryMb?: number;
    /** CPU limit per container, e.g. 0.5. */
    cpus?: number;
}

/** The image the nodes run. */
export interface ImageSpec {
    /** Run this existing image and build nothing. */
    name?: string;
    /** Base image for docker/Dockerfile. Default the pinned official Redis image. */
    baseImage?: string;
}

/** Redis Sentinel, for automatic failover. Present (even as {}) means on. */
export interface SentinelSpec {
    /** Number of sentinels. Default 3; an odd number of 3 or more survives the loss of one. */
    count?: number;
    /** Sentinels that must agree the master is down. Default a majority of count. */
    quorum?: number;
    /** down-after-milliseconds: how long the master may be silent. Default 5000. */
    downAfterMilliseconds?: number;
    /** failover-timeout in ms. Default 10000. */
    failoverTimeout?: number;
    /** parallel-syncs: replicas that resync with a new master at once. Default 1. */
    parallelSyncs?: number;
    /** The name sentinels monitor the master under. Default the group's name. */
    masterName?: string;
    /** Each sentinel's static IP and host port; default: IPs from the top of the subnet down (scaling never moves one), ports master.hostPort + 20000 on. */
    nodes?: NodeAddressSpec[];
    /** With hosts: accept a layout where losing one host leaves too few sentinels to fail over. Default false (an error). */
    acceptHostLossWithoutFailover?: boolean;
}

/** Scheduled backups from a replica, a final one on destroy and one before a rollout that replaces the master. */
export interface BackupSpec {
    /** How often: a duration such as "1h", "30m", "1h30m" or "90s". */
    every?: string;
    /** How many backups to keep (1 or more); the oldest go only once a newer one passed its check. */
    keep?: number;
    /** Absolute host directory the backups land in (on the host of the node that serves them); uid 999 must be able to write it. */
    dir?: string;
    /** "replica" (default): a backup never forks the master. "master" only when the group has no replica. */
    from?: string;
    /** A backup on `pulumi destroy` (or when the group is removed), before any node goes. Default true. */
    final?: boolean;
    /** A backup before an `up` replaces the master. Default true. */
    beforeRollout?: boolean;
}

/** The RDB file a new group's master is seeded from: a file, or the newest backup in a directory. */
export interface RestoreSpec {
    /** Absolute path of an .rdb file on the deploying machine. */
    file?: string;
    /** Absolute path of a backup directory on the deploying machine; with latest: true. */
    dir?: string;
    /** With dir: restore its newest backup. */
    latest?: boolean;
}

/** Prometheus metrics: an exporter per Docker engine, scraping every node and sentinel. */
export interface MetricsSpec {
    /** Default true when metrics is given; false turns it off. */
    enabled?: boolean;
    /** The redis_exporter image. Default a pinned oliver006/redis_exporter. */
    image?: string;
    /** Host port of the exporter. Default 9121. */
    hostPort?: number;
    /** Address the exporter is published on (one engine only). Default hostIp. */
    hostIp?: string;
    /** Byte lag above which the rules call a replica lagging. Default 16 MiB. */
    lagBytes?: number;
}

/** A replication group as written in stack config or passed by a program. */
export interface GroupSpec {
    /** Prefix of container, network and volume names; a valid Docker name. */
    name?: string;
    /** The Docker network. Default a new network on 10.89.0.0/24. */
    network?: NetworkSpec;
    /** The master's address. Default the first free host address and host port 6380. */
    master?: NodeAddressSpec;
    /** Replicas as a list of addresses, or a count whose addresses follow the master's. Default 2. */
    replicas?: NodeAddressSpec[] | number;
    /** How many replicas, their addresses and ports following the master's; instead of `replicas`. */
    replicaCount?: number;
    /** Host address the ports are published on. Default 127.0.0.1. Not with hosts. */
    hostIp?: string;
    /** Several Docker hosts, by name: the nodes are spread over them and reach each other on the hosts' addresses. Default one engine. */
    hosts?: Record<string, HostSpec>;
    /** Password auth for applications (the default user). Default true; off means protected-mode no. */
    auth?: boolean;
    /** Commands the application user (`default`) may not run, beside the admin ones. Default FLUSHALL and FLUSHDB. */
    disabledCommands?: string[];
    /** More ACL users, each with its own password and rules. */
    users?: UserSpec[];
    /** TLS on every node and sentinel, replication and Sentinel included. Default off. */
    tls?: TlsSpec;
    /** Persistence and volumes. */
    persistence?: PersistenceSpec;
    /** Typed replication settings. */
    replication?: ReplicationSpec;
    /** maxmemory, e.g. "256mb". Default none. */
    maxmemory?: string;
    /** maxmemory-policy. Default noeviction. */
    maxmemoryPolicy?: string;
    /** Other redis.conf directives; those the group owns are refused. */
    redisConfig?: Record<string, string | number | boolean>;
    /** Container limits. */
    resources?: ResourcesSpec;
    /** Which image to run. */
    image?: ImageSpec;
    /** Docker restart policy: no, on-failure, always or unless-stopped. Default unless-stopped. */
    restart?: string;
    /** How long the replication check may wait for every link, in seconds. Default 60. */
    checkTimeoutSeconds?: number;
    /** The check's first poll interval in ms; it backs off to max(this, 50). Default 10. */
    checkPollIntervalMs?: number;
    /** Redis Sentinel for automatic failover. Default off. */
    sentinel?: SentinelSpec;
    /**
     * When the replication check runs: "changes" (default) on an `up` that changes the group,
     * "always" on every `up`, a no-op one included (the check then shows as one update in every preview).
     */
    verify?: string;
    /** Scheduled backups, and backups before a destroy and a rollout. Default none. */
    backup?: BackupSpec;
    /** Seed a new group's master from this RDB file (stack config may give the path alone). Refused for a running group. */
    restoreFrom?: RestoreSpec | string;
    /** Prometheus metrics for every node and sentinel, and alert rules. Default off. */
    metrics?: MetricsSpec;
}

/** One node of the plan. */
export interface NodePlan {
    role: "master" | "replica" | "sentinel";
    /** "master", "replica-1", "replica-2", ..., "sentinel-1", ... */
    key: string;
    ip: string;
    hostPort: number;
    /** With hosts: the host it runs on. */
    host?: string;
    /** Placed in turn, the lost host its turn would have given it (and it ran on before): it moved off that host. */
    movedFrom?: string;
}

/** One host of a group on several. */
export interface HostPlan {
    name: string;
    /** Where other hosts and clients reach it. */
    address: string;
    /** Where its ports are published. */
    publishIp: string;
    /** Its Docker engine (a Docker provider's host); undefined: the default engine. */
    dockerHost?: string;
    sshOpts?: string[];
    /** Its machine is gone for good: no node runs on it, and its resources leave the state without a call to its engine. Only when true. */
    lost?: true;
}

/** The group's network: the one to join, or the subnet and gateway of the one to create. */
export interface NetworkPlan {
    existing?: string;
    subnet?: string;
    gateway?: string;
}

export interface PersistencePlan {
    appendonly: boolean;
    save?: string[];
    volume: "named" | "hostPath";
    hostPath?: string;
    retain: boolean;
    acceptRestartWipingReplicas: boolean;
}

export interface ReplicationPlan {
    minReplicasToWrite: number;
    minReplicasMaxLag: number;
    disklessSync: boolean;
    disklessSyncDelay: number;
}

export interface ImagePlan {
    name?: string;
    baseImage: string;
}

/** Sentinel settings with defaults applied. */
export interface SentinelPlan {
    masterName: string;
    quorum: number;
    downAfterMilliseconds: number;
    failoverTimeout: number;
    parallelSyncs: number;
    nodes: NodePlan[];
}

/** Backups with defaults applied. */
export interface BackupPlan {
    /** The schedule as written, e.g. "1h". */
    every: string;
    everySeconds: number;
    keep: number;
    /** Normalized, without a trailing slash. */
    dir: string;
    from: "replica" | "master";
    final: boolean;
    beforeRollout: boolean;
    /** The backup container's static IP on the group's network; undefined without a known subnet. */
    ip?: string;
    /** The data nodes a backup may come from, the planned one first: the backup container runs on its host. */
    sources: NodePlan[];
}

/** Metrics with defaults applied; only when on. */
export interface MetricsPlan {
    image: string;
    hostPort: number;
    /** Where the exporter is published on one engine (with hosts, each host's publishIp). */
    hostIp: string;
    lagBytes: number;
    /** The exporter's static IP on the group's network; undefined without a known subnet. */
    ip?: string;
}

/** Where the restore file is: one file, or the newest backup of a directory. */
export interface RestorePlan {
    file?: string;
    dir?: string;
    latest?: true;
}

/** A validated group with every default applied. */
export interface GroupPlan {
    name: string;
    network: NetworkPlan;
    master: NodePlan;
    replicas: NodePlan[];
    hostIp: string;
    /** With several Docker hosts: them, in the order written. */
    hosts?: HostPlan[];
    auth: boolean;
    /** Lower-case command names the application user may not run. */
    disabledCommands: string[];
    /** More ACL users, without their passwords. */
    users: UserPlan[];
    /** TLS, when on; its PEMs are apart, as secrets. */
    tls?: TlsPlan;
    persistence: PersistencePlan;
    replication: ReplicationPlan;
    maxmemory?: string;
    maxmemoryPolicy: string;
    redisConfig: Record<string, string>;
    resources: ResourcesSpec;
    image: ImagePlan;
    restart: string;
    checkTimeoutSeconds: number;
    checkPollIntervalMs: number;
    sentinel?: SentinelPlan;
    verify: "changes" | "always";
    backup?: BackupPlan;
    restore?: RestorePlan;
    metrics?: MetricsPlan;
    /** Settings that work but are unwise; the component logs them as warnings. */
    warnings: string[];
}

// What one run of the check works with: the nodes it polls and the context its steps share.
// Types only: nothing here is serialized.
import type { Redis as RedisClient } from "ioredis";
import type { TlsClient } from "../tls";
import type { Fact, ReplicaTarget } from "./types";

/** A data node or a sentinel, as one run of the check polls it. */
export interface NodeState {
    role: "master" | "replica" | "sentinel";
    name: string;
    endpoint: string;
    host: string;
    port: number;
    /** ip:port on its network, as its peers and the sentinels know it. */
    address: string;
    client?: RedisClient;
    readOnlyConfirmed: boolean;
}

/** Shared by the steps of one run; masterIp, masterPort, replicas and expected follow the master the sentinels report. */
export interface CheckContext {
    /** The user the check logs in as (undefined: default), on the data nodes and the sentinels alike. */
    username?: string;
    password?: string;
    /** With TLS: how the check connects. */
    tls?: TlsClient;
    opTimeout: number;
    clients: RedisClient[];
    masterIp: string;
    masterPort: number;
    expected: number;
    replicas: ReplicaTarget[];
    newKey: () => string;
    /** True when the sentinels, not the inputs, name the master. */
    viaSentinel: boolean;
}

/** What one poll found wrong with one node; no facts means healthy. */
export interface NodeFacts {
    node: NodeState;
    facts: Fact[];
}

// The preflight's public types: what the program hands it and what its provider checks. Types only.
import type * as pulumi from "@pulumi/pulumi";
import type { TlsPem } from "../tls";

/** A value of the group's, with the property path a problem with it is reported under. */
export interface AtPath<T> {
    path: string;
    value: T;
}

/** Arguments of a Preflight: what the group is about to create on the Docker engine. */
export interface PreflightArgs {
    /** The group's name: its objects carry the label redis-replication.group=<name>. */
    group: string;
    /** The password, when auth is on: checked once its value is known. Kept as a secret. */
    password?: pulumi.Input<string>;
    auth: boolean;
    /** The address the ports are published on. */
    hostIp: string;
    /** With several hosts: the Docker engine of the host this preflight looks at (a Docker provider's host); undefined: the default engine. */
    docker?: pulumi.Input<string | undefined>;
    /** With several hosts: the name of the host this preflight looks at, for its messages. */
    host?: string;
    /** Each node's host port. */
    hostPorts: AtPath<number>[];
    /** Each node's static IP. */
    ips: AtPath<string>[];
    /** The subnet of the network the group creates; undefined when it joins one. */
    subnet?: string;
    /** The network the group joins instead; may be known only at deployment. */
    existingNetwork?: pulumi.Input<string>;
    /** The TLS certificate, key and CA, when known only now, and the names the certificate must cover. Kept as a secret. */
    tls?: pulumi.Input<PreflightTls>;
    /** image.name, when given as a value (not another resource's output): the nodes' image, which must be on the engine or in its registry. */
    image?: string;
    /** With metrics: the exporter's image, which must be on the engine or in its registry. */
    exporterImage?: string;
    /** With restoreFrom: as written, and the master's container, so that a running group refuses it. */
    restore?: { spec: string; masterContainer: string };
    /** The names the group gives its containers, network and volumes. */
    names: { containers: string[]; networks: string[]; volumes: string[] };
}

export type PreflightInputs = Omit<PreflightArgs, "password" | "existingNetwork" | "tls" | "docker"> & {
    docker?: string;
    password?: string;
    existingNetwork?: string;
    tls?: PreflightTls;
};

/** PEMs a caller passed as outputs, and the names the certificate must cover. */
export interface PreflightTls {
    pem: TlsPem;
    names: string[];
}

/** One problem, as config errors report it. */
export interface Problem {
    propertyPath: string;
    reason: string;
}

/** What the Docker engine has, as far as the preflight asks. */
export interface DockerFacts {
    /** Running containers' published ports, with the container's name and group label. */
    published: { port: number; ip: string; container: string; group?: string }[];
    /** Every network with its IPv4 subnets and group label. */
    networks: { name: string; subnets: string[]; group?: string }[];
    containers: { name: string; group?: string }[];
    volumes: { name: string; group?: string }[];
    /** Whether the engine runs on this machine, so a port bound here is bound there. */
    local: boolean;
}

/** What the engine says of an image the group is to run there. */
export interface ImageFact {
    image: string;
    /** Whether the engine has it. */
    local: boolean;
    /** When it has not: why its registry does not give it (asked without pulling); undefined when the registry gives it. */
    refused?: string;
}

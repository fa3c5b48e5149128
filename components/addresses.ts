// Where each node is reached, from the plan alone. Two points of view: the deploying machine and
// clients (the published ports), and the other nodes and sentinels (peers). On one Docker engine
// peers use the static IPs on the group's network; across hosts, the hosts' addresses and the
// published ports, which is also what every node announces.
import type { GroupPlan, HostPlan, NodePlan } from "../config";

export const REDIS_PORT = 6379;
/** With TLS, the plaintext port a node may also listen on, on the group's network only (never published). */
export const PLAINTEXT_PORT = 6380;
export const SENTINEL_PORT = 26379;

/** The port replicas follow their master on: the node's port, or with TLS replication off, its plaintext port. */
export function replicationPort(plan: GroupPlan): number {
    return plan.tls && !plan.tls.replication ? PLAINTEXT_PORT : REDIS_PORT;
}

export function containerName(plan: GroupPlan, node: NodePlan): string {
    return `${plan.name}-${node.key}`;
}

/** The host a node runs on, when the group has several. */
export function hostOf(plan: GroupPlan, node: NodePlan): HostPlan | undefined {
    return plan.hosts?.find((h) => h.name === node.host);
}

/** Where clients on the Docker host connect: ports published on all interfaces are reached on loopback. */
export function connectHost(plan: GroupPlan): string {
    return plan.hostIp === "0.0.0.0" ? "127.0.0.1" : plan.hostIp;
}

/** A node's published port, where the group's tools and clients connect. */
export function publishedAt(plan: GroupPlan, node: NodePlan): { host: string; port: number } {
    return { host: hostOf(plan, node)?.address ?? connectHost(plan), port: node.hostPort };
}

/** host:port of a node's published port. */
export function endpointOf(plan: GroupPlan, node: NodePlan): string {
    const { host, port } = publishedAt(plan, node);
    return `${host}:${port}`;
}

/** Where the other nodes and sentinels reach a node, and what it announces. */
export function peerOf(plan: GroupPlan, node: NodePlan): { ip: string; port: number } {
    const host = hostOf(plan, node);
    if (host) return { ip: host.address, port: node.hostPort };
    return { ip: node.ip, port: node.role === "sentinel" ? SENTINEL_PORT : replicationPort(plan) };
}

/** ip:port of a node as its peers know it: what replicaof and sentinel monitor name. */
export function peerText(plan: GroupPlan, node: NodePlan): string {
    const { ip, port } = peerOf(plan, node);
    return `${ip}:${port}`;
}

/**
 * A data node as the group's tools find it among the replicas a master lists: its peer IP, and
 * its port only when it is not the default 6379. With several hosts, the engine it runs on.
 */
export function toolTarget(
    plan: GroupPlan,
    node: NodePlan,
): { name: string; endpoint: string; ip: string; port?: number; docker?: string } {
    const { ip, port } = peerOf(plan, node);
    const docker = hostOf(plan, node)?.dockerHost;
    return {
        name: containerName(plan, node),
        endpoint: endpointOf(plan, node),
        ip,
        ...(port === REDIS_PORT ? {} : { port }),
        ...(docker === undefined ? {} : { docker }),
    };
}

// What the group's dynamic resources are told of the plan: the preflight, the live configuration
// and the replication check each reach the nodes by container name, endpoint and address.
import type * as pulumi from "@pulumi/pulumi";
import type { GroupPlan, NodePlan } from "../config";
import type { LiveSentinels } from "./liveConfig";
import type { PreflightArgs } from "./preflight";
import type { ReplicationCheckArgs } from "./replicationCheck";
import type { RolloutNode } from "./rollout";
import { replicationPort, SENTINEL_PORT } from "./redisConf";
import { containerName, endpointOf, peerPort } from "./nodes";

/**
 * What the preflight checks on the Docker engine: each node's host port and IP by property path,
 * and the names. `existingNetwork` is the network to join, when a caller passed it as an output.
 */
export function preflightTargets(plan: GroupPlan, existingNetwork: pulumi.Input<string> | undefined): Omit<PreflightArgs, "password"> {
    const nodes: [string, NodePlan][] = [
        ["master", plan.master],
        ...plan.replicas.map((n, i): [string, NodePlan] => [`replicas[${i}]`, n]),
        ...(plan.sentinel?.nodes ?? []).map((n, i): [string, NodePlan] => [`sentinel.nodes[${i}]`, n]),
    ];
    const dataNodes = [plan.master, ...plan.replicas];
    return {
        group: plan.name,
        auth: plan.auth,
        hostIp: plan.hostIp,
        hostPorts: nodes.map(([path, n]) => ({ path: `${path}.hostPort`, value: n.hostPort })),
        ips: nodes.map(([path, n]) => ({ path: `${path}.ip`, value: n.ip })),
        subnet: plan.network.existing ? undefined : plan.network.subnet,
        existingNetwork,
        names: {
            containers: nodes.map(([, n]) => containerName(plan, n)),
            networks: plan.network.existing ? [] : [`${plan.name}-net`],
            volumes: plan.persistence.volume === "named" ? dataNodes.map((n) => `${containerName(plan, n)}-data`) : [],
        },
    };
}

/** The data nodes and sentinels, as the live configuration reaches them. */
export function liveTargets(plan: GroupPlan): { dataNodes: RolloutNode[]; sentinel?: LiveSentinels; timeoutMs: number } {
    const target = (node: NodePlan) => ({ name: containerName(plan, node), endpoint: endpointOf(plan, node) });
    return {
        dataNodes: [plan.master, ...plan.replicas].map((node) => ({ ...target(node), ip: node.ip, ...peerPort(plan) })),
        sentinel: plan.sentinel && { masterName: plan.sentinel.masterName, nodes: plan.sentinel.nodes.map(target) },
        timeoutMs: plan.checkTimeoutSeconds * 1000,
    };
}

/** What the check must find, by container name, endpoint and address. */
export function checkTargets(plan: GroupPlan): Omit<ReplicationCheckArgs, "password" | "containerIds"> {
    const target = (node: NodePlan) => ({ name: containerName(plan, node), endpoint: endpointOf(plan, node), ip: node.ip });
    return {
        masterContainer: containerName(plan, plan.master),
        masterEndpoint: endpointOf(plan, plan.master),
        masterIp: plan.master.ip,
        masterPort: replicationPort(plan),
        replicas: plan.replicas.map((node) => ({ ...target(node), ...peerPort(plan) })),
        expectedReplicas: plan.replicas.length,
        sentinel: plan.sentinel && {
            masterName: plan.sentinel.masterName,
            quorum: plan.sentinel.quorum,
            sentinels: plan.sentinel.nodes.map((node) => ({ ...target(node), port: SENTINEL_PORT })),
        },
        timeoutMs: plan.checkTimeoutSeconds * 1000,
        pollIntervalMs: plan.checkPollIntervalMs,
    };
}

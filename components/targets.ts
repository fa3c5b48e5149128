// What the group's dynamic resources are told of the plan: the preflight, the live configuration
// and the replication check each reach the nodes by container name, endpoint and address.
import type * as pulumi from "@pulumi/pulumi";
import type { GroupPlan, HostPlan, NodePlan } from "../config";
import type { LiveSentinels } from "./liveConfig";
import type { PreflightArgs } from "./preflight";
import type { ReplicationCheckArgs } from "./replicationCheck";
import type { RolloutNode } from "./rollout";
import { backupContainerName } from "./backup/render";
import { exporterName } from "./metrics/render";
import { containerName, endpointOf, peerOf, REDIS_PORT, toolTarget } from "./addresses";
import { NAME_KNOWN_LATER } from "./spec";

/**
 * What the preflight checks on one Docker engine (a host's, with several): each node's host port
 * and IP by property path, the names, and the images to run there. `existingNetwork` is the
 * network to join, when a caller passed it as an output.
 */
export function preflightTargets(
    plan: GroupPlan,
    existingNetwork: pulumi.Input<string> | undefined,
    host?: HostPlan,
): Omit<PreflightArgs, "password"> {
    const all: [string, NodePlan][] = [
        ["master", plan.master],
        ...plan.replicas.map((n, i): [string, NodePlan] => [`replicas[${i}]`, n]),
        ...(plan.sentinel?.nodes ?? []).map((n, i): [string, NodePlan] => [`sentinel.nodes[${i}]`, n]),
    ];
    const nodes = all.filter(([, n]) => n.host === host?.name);
    const dataNodes = nodes.map(([, n]) => n).filter((n) => n.role !== "sentinel");
    // The backup container lives on the host of the node it backs up from first.
    const backup = plan.backup && plan.backup.sources[0]!.host === host?.name ? plan.backup : undefined;
    const onMasterHost = plan.master.host === host?.name;
    // An exporter on each engine that runs a node.
    const exporter = plan.metrics !== undefined && nodes.length > 0;
    return {
        group: plan.name,
        auth: plan.auth,
        hostIp: host?.publishIp ?? plan.hostIp,
        ...(host?.dockerHost === undefined ? {} : { docker: host.dockerHost }),
        hostPorts: [
            ...nodes.map(([path, n]) => ({ path: `${path}.hostPort`, value: n.hostPort })),
            ...(exporter ? [{ path: "metrics.hostPort", value: plan.metrics!.hostPort }] : []),
        ],
        ips: [
            ...nodes.map(([path, n]) => ({ path: `${path}.ip`, value: n.ip })),
            ...(backup?.ip === undefined ? [] : [{ path: "backup", value: backup.ip }]),
            ...(exporter && plan.metrics!.ip !== undefined ? [{ path: "metrics", value: plan.metrics!.ip }] : []),
        ],
        subnet: plan.network.existing ? undefined : plan.network.subnet,
        existingNetwork,
        ...(host === undefined ? {} : { host: host.name }),
        // A name given as another resource's output is known only at deployment, and not checked.
        ...(nodes.length > 0 && plan.image.name !== undefined && plan.image.name !== NAME_KNOWN_LATER ? { image: plan.image.name } : {}),
        ...(exporter ? { exporterImage: plan.metrics!.image } : {}),
        ...(plan.restore && onMasterHost
            ? { restore: { spec: JSON.stringify(plan.restore), masterContainer: containerName(plan, plan.master) } }
            : {}),
        names: {
            containers: [
                ...nodes.map(([, n]) => containerName(plan, n)),
                ...(backup ? [backupContainerName(plan)] : []),
                ...(exporter ? [exporterName(plan)] : []),
            ],
            networks: plan.network.existing ? [] : [`${plan.name}-net`],
            volumes: plan.persistence.volume === "named" ? dataNodes.map((n) => `${containerName(plan, n)}-data`) : [],
        },
    };
}

/** The data nodes and sentinels, as the live configuration reaches them. */
export function liveTargets(plan: GroupPlan): { dataNodes: RolloutNode[]; sentinel?: LiveSentinels; timeoutMs: number } {
    const sentinelTarget = (node: NodePlan) => {
        const { name, endpoint, docker } = toolTarget(plan, node);
        return { name, endpoint, ...(docker === undefined ? {} : { docker }) };
    };
    return {
        dataNodes: [plan.master, ...plan.replicas].map((node) => toolTarget(plan, node)),
        sentinel: plan.sentinel && { masterName: plan.sentinel.masterName, nodes: plan.sentinel.nodes.map(sentinelTarget) },
        timeoutMs: plan.checkTimeoutSeconds * 1000,
    };
}

/** What the check must find, by container name, endpoint and the address peers know each node by. */
export function checkTargets(plan: GroupPlan): Omit<ReplicationCheckArgs, "password" | "containerIds"> {
    const master = peerOf(plan, plan.master);
    // A replica's port defaults to the master's: across hosts each has its own published port.
    const replica = (node: NodePlan) => {
        const { ip, port } = peerOf(plan, node);
        return {
            name: containerName(plan, node),
            endpoint: endpointOf(plan, node),
            ip,
            ...(plan.hosts || port !== REDIS_PORT ? { port } : {}),
        };
    };
    const sentinel = (node: NodePlan) => ({ name: containerName(plan, node), endpoint: endpointOf(plan, node), ...peerOf(plan, node) });
    return {
        masterContainer: containerName(plan, plan.master),
        masterEndpoint: endpointOf(plan, plan.master),
        masterIp: master.ip,
        masterPort: master.port,
        replicas: plan.replicas.map(replica),
        expectedReplicas: plan.replicas.length,
        sentinel: plan.sentinel && {
            masterName: plan.sentinel.masterName,
            quorum: plan.sentinel.quorum,
            sentinels: plan.sentinel.nodes.map(sentinel),
        },
        timeoutMs: plan.checkTimeoutSeconds * 1000,
        pollIntervalMs: plan.checkPollIntervalMs,
    };
}

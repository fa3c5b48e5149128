// What every Docker resource of a group is named and labelled, and where a node runs: shared by
// the nodes, their volumes, the per-host resources and the backup and metrics containers.
import type * as pulumi from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";
import type { GroupPlan, NodePlan } from "../config";

/** The uid the image's redis user runs as (official images and the test base alike). */
export const REDIS_UID = 999;
/** Label keys every container, network and volume of a group carries. */
export const LABEL_KEYS = { group: "redis-replication.group", role: "redis-replication.role", node: "redis-replication.node" };

/** How long a node's container has to stop cleanly (SIGTERM) before it is killed, in s. */
export const NODE_STOP_GRACE_SECONDS = 15;

/** Where a node runs: its host's image, network and Docker provider (none: the default one). */
export interface NodePlace {
    /** What the container runs. */
    image: pulumi.Output<string>;
    networkName: pulumi.Output<string>;
    provider?: docker.Provider;
    /** With hosts: the host's HostPresence, which every Docker resource on the host is deleted with. */
    deletedWith?: pulumi.Resource;
    /** With hosts: the host's HostTeardown, which every Docker resource on the host depends on. */
    teardown?: pulumi.Resource;
}

/** Docker labels naming the group, plus any others. */
export function groupLabels(plan: GroupPlan, extra: Record<string, string> = {}): docker.types.input.ContainerLabel[] {
    return Object.entries({ [LABEL_KEYS.group]: plan.name, ...extra }).map(([label, value]) => ({ label, value }));
}

/**
 * The name of a node's Docker resource: after `key-suffix`, "-on-<host>" for a node moved off a
 * lost host (its old resources leave the state under the plain name), aliased so that the plain
 * name takes it over once the lost host is dropped.
 */
export function nodeResourceName(groupName: string, node: NodePlan, suffix = ""): { name: string; aliases?: pulumi.Alias[] } {
    const base = `${groupName}-${node.key}${suffix}`;
    if (node.host === undefined) return { name: base };
    const moved = `${base}-on-${node.host}`;
    return node.movedFrom !== undefined ? { name: moved } : { name: base, aliases: [{ name: moved }] };
}

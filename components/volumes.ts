// A data node's storage: its named volume (or, with persistence.volume hostPath, its directories
// on this machine, made first with the right owner), and where its /data is for a restore.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as command from "@pulumi/command";
import type { NodePlan } from "../config";
import { containerName } from "./addresses";
import type { GroupPlan } from "../config";
import { groupLabels, LABEL_KEYS, NodePlace, nodeResourceName, REDIS_UID } from "./naming";
import { REDIS_CONF_PATH } from "./redisConf";
import type { DataTarget } from "./restore/types";

/** What a node's storage is made from (the nodes' context has it all). */
export interface StorageContext {
    /** The component's resource name: children are named after it. */
    name: string;
    plan: GroupPlan;
    parent: pulumi.Resource;
    place: (node: NodePlan) => NodePlace;
    /** What every node resource waits for: the preflight. */
    preflight: pulumi.Resource[];
}

/** /data (and the conf dir, for host paths) of one node. */
export function createVolumes(ctx: StorageContext, node: NodePlan): docker.types.input.ContainerVolume[] {
    const { plan } = ctx;
    if (plan.persistence.volume === "hostPath") {
        const dir = `${plan.persistence.hostPath}/${node.key}`;
        return [
            { hostPath: `${dir}/data`, containerPath: "/data" },
            { hostPath: `${dir}/conf`, containerPath: path.posix.dirname(REDIS_CONF_PATH) },
        ];
    }
    const place = ctx.place(node);
    const resource = nodeResourceName(ctx.name, node, "-data");
    const volume = new docker.Volume(
        resource.name,
        { name: `${containerName(plan, node)}-data`, labels: groupLabels(plan, { [LABEL_KEYS.node]: node.key }) },
        {
            parent: ctx.parent,
            provider: place.provider,
            dependsOn: place.teardown ? [...ctx.preflight, place.teardown] : ctx.preflight,
            deletedWith: place.deletedWith,
            aliases: resource.aliases,
            retainOnDelete: plan.persistence.retain,
            deleteBeforeReplace: true,
        },
    );
    return [{ volumeName: volume.name, containerPath: "/data" }];
}

/**
 * Host directories must exist, owned by the container's redis user, before the containers
 * start: Docker would create them root-owned and Redis could not write.
 */
export function createHostDirs(ctx: StorageContext, nodes: NodePlan[]): command.local.Command {
    const { plan } = ctx;
    const dirs = nodes.flatMap((node) => ["data", "conf"].map((sub) => `'${plan.persistence.hostPath}/${node.key}/${sub}'`));
    return new command.local.Command(
        `${ctx.name}-host-dirs`,
        // Kept on destroy: the data is the user's, as with a retained volume.
        { create: `install -d -m 0750 -o ${REDIS_UID} -g ${REDIS_UID} ${dirs.join(" ")}` },
        { parent: ctx.parent, dependsOn: ctx.preflight },
    );
}

/** Where a data node's /data is: its named volume, or its host directory. */
export function dataTarget(volumes: docker.types.input.ContainerVolume[]): pulumi.Input<DataTarget> {
    const data = volumes.find((v) => v.containerPath === "/data")!;
    return data.volumeName !== undefined
        ? pulumi.output(data.volumeName).apply((volume) => ({ volume }))
        : pulumi.output(data.hostPath!).apply((hostPath) => ({ hostPath }));
}

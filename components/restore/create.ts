// The restore seed of the master, when the group restores from a file.
import * as pulumi from "@pulumi/pulumi";
import type { GroupPlan } from "../../config";
import { groupLabels, LABEL_KEYS } from "../naming";
import { RestoreSeed } from "./resource";
import type { DataLayout, DataTarget, RestoredKeys } from "./types";

/** The master's data directory layout, from redisConfig where it names the files, else Redis's defaults. */
export function dataLayout(plan: GroupPlan): DataLayout {
    const conf = (key: string, fallback: string) => (plan.redisConfig[key] ?? fallback).replace(/^"(.*)"$/, "$1");
    return {
        appendonly: plan.redisConfig.appendonly === undefined ? plan.persistence.appendonly : plan.redisConfig.appendonly === "yes",
        dbfilename: conf("dbfilename", "dump.rdb"),
        appenddirname: conf("appenddirname", "appendonlydir"),
        appendfilename: conf("appendfilename", "appendonly.aof"),
    };
}

/** What the seed is made from. */
export interface RestoreContext {
    name: string;
    plan: GroupPlan;
    parent: pulumi.Resource;
    /** The checked file on the deploying machine. */
    file: string;
    image: pulumi.Input<string>;
    docker: pulumi.Input<string | undefined>;
    provider?: pulumi.ProviderResource;
}

/** The master's seeder for createNodes, and, once it ran, what the seed found in the file (for the check). */
export function restoreSeeder(ctx: RestoreContext): {
    seedMaster: (target: pulumi.Input<DataTarget>, after: pulumi.Input<pulumi.Resource[]>) => RestoreSeed;
    restored: () => pulumi.Output<RestoredKeys> | undefined;
} {
    let seed: RestoreSeed | undefined;
    return { seedMaster: (target, after) => (seed = createRestoreSeed(ctx, target, after)), restored: () => seed?.restored };
}

/** The seed of the master's data directory; the master's container depends on it. */
export function createRestoreSeed(
    ctx: RestoreContext,
    target: pulumi.Input<DataTarget>,
    after: pulumi.Input<pulumi.Resource[]>,
): RestoreSeed {
    const labels = groupLabels(ctx.plan, { [LABEL_KEYS.role]: "restore" });
    return new RestoreSeed(
        `${ctx.name}-restore`,
        {
            docker: ctx.docker,
            image: ctx.image,
            target,
            layout: dataLayout(ctx.plan),
            file: ctx.file,
            spec: JSON.stringify(ctx.plan.restore),
            labels: Object.fromEntries(labels.map((l) => [l.label, l.value])),
        },
        { parent: ctx.parent, dependsOn: after },
    );
}

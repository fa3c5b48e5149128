// What the nodes run on: the image and the network, on one Docker engine or on each host's (with
// its own Docker provider). On one engine the resources keep the names they always had.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { GroupPlan, HostPlan, NodePlan } from "../config";
import { HostPresence, HostTeardown } from "./hosts";
import { groupLabels, NODE_STOP_GRACE_SECONDS, NodePlace } from "./naming";
import type { LateNames } from "./spec";

const DOCKERFILE_DIR = path.resolve(__dirname, "..", "docker");

/** What infra is made from. */
export interface InfraContext {
    /** The component's resource name: children are named after it. */
    name: string;
    plan: GroupPlan;
    late: LateNames;
    dockerContext: pulumi.Input<string> | undefined;
    /** The component, and what every resource waits for (the preflights). */
    opts: pulumi.CustomResourceOptions;
    /** Docker providers the program made, by host name, instead of the group's own. */
    hostProviders: Record<string, docker.Provider>;
}

/** The image and network every node gets, and where each node runs. */
export interface GroupInfra {
    imageName: pulumi.Output<string>;
    networkName: pulumi.Output<string>;
    place: (node: NodePlan) => NodePlace;
    /** The engines of the live hosts, as the dynamic providers reach them (undefined: the default one). */
    engines: pulumi.Input<string | undefined>[];
}

/**
 * The image and network: once on the one engine, or on each host. The one engine is cleared as a
 * host is: its Docker resources are deleted with its HostPresence, and its HostTeardown stops and
 * removes every container at once, where the provider's deletes would follow the rollout chain.
 */
export function createInfra(ctx: InfraContext, existingNetwork: pulumi.Input<string> | undefined): GroupInfra {
    const { plan } = ctx;
    if (!plan.hosts) {
        const teardown = createHostTeardown(ctx, `${ctx.name}-teardown`, { name: "" });
        const presence = new HostPresence(`${ctx.name}-presence`, { host: "" }, { parent: ctx.opts.parent, dependsOn: ctx.opts.dependsOn });
        const opts = { ...ctx.opts, deletedWith: presence, dependsOn: [...dependsOnOf(ctx), teardown] };
        const { imageName, imageRef } = createHostImage(ctx, `${ctx.name}-image`, opts);
        const networkName =
            existingNetwork !== undefined ? pulumi.output(existingNetwork) : createNetwork(ctx, `${ctx.name}-network`, opts);
        const place: NodePlace = { image: imageRef, networkName, deletedWith: presence, teardown };
        return { imageName, networkName, place: () => place, engines: [undefined] };
    }
    const places: Record<string, NodePlace> = {};
    const engines: pulumi.Input<string | undefined>[] = [];
    let imageName: pulumi.Output<string> | undefined;
    let networkName: pulumi.Output<string> | undefined;
    for (const host of plan.hosts) {
        const teardown = createHostTeardown(ctx, `${ctx.name}-${host.name}-teardown`, host);
        // A lost host gets nothing else: what it had leaves the state with its HostPresence.
        if (host.lost) continue;
        const presence = new HostPresence(
            `${ctx.name}-${host.name}-presence`,
            { host: host.name },
            { parent: ctx.opts.parent, dependsOn: ctx.opts.dependsOn },
        );
        const provider = createHostProvider(ctx, host);
        const opts = { ...ctx.opts, provider, deletedWith: presence, dependsOn: [...dependsOnOf(ctx), teardown] };
        const image = createHostImage(ctx, `${ctx.name}-${host.name}-image`, opts);
        const network = createNetwork(ctx, `${ctx.name}-${host.name}-network`, opts);
        places[host.name] = { image: image.imageRef, networkName: network, provider, deletedWith: presence, teardown };
        engines.push(engineOf(ctx, host));
        imageName ??= image.imageName;
        networkName ??= network;
    }
    return { imageName: imageName!, networkName: networkName!, place: (node) => places[node.host!]!, engines };
}

function dependsOnOf(ctx: InfraContext): pulumi.Resource[] {
    return (ctx.opts.dependsOn ?? []) as pulumi.Resource[];
}

/** A host's engine as the dynamic providers reach it: the program's provider's, else the host's dockerHost. */
function engineOf(ctx: InfraContext, host: Pick<HostPlan, "name" | "dockerHost">): pulumi.Input<string | undefined> {
    const given = ctx.hostProviders[host.name];
    return given ? given.host : host.dockerHost;
}

/**
 * A host's HostTeardown (the one engine's: a host named ""): what its Docker resources depend
 * on, so that it goes last and clears the host when the host leaves the group; it calls nothing
 * once the host is lost.
 */
function createHostTeardown(ctx: InfraContext, resourceName: string, host: Pick<HostPlan, "name" | "dockerHost" | "lost">): HostTeardown {
    return new HostTeardown(
        resourceName,
        {
            group: ctx.plan.name,
            host: host.name,
            docker: engineOf(ctx, host),
            retainVolumes: ctx.plan.persistence.retain,
            lost: host.lost === true,
            graceSeconds: NODE_STOP_GRACE_SECONDS,
        },
        { parent: ctx.opts.parent, dependsOn: ctx.opts.dependsOn },
    );
}

/** The Docker provider of one host: the program's, or one of the engine's address the host gives. */
function createHostProvider(ctx: InfraContext, host: HostPlan): docker.Provider {
    const given = ctx.hostProviders[host.name];
    if (given) return given;
    return new docker.Provider(
        `${ctx.name}-${host.name}-docker`,
        { host: host.dockerHost, sshOpts: host.sshOpts },
        { parent: ctx.opts.parent },
    );
}

/**
 * The image the nodes run: the given one, or docker/Dockerfile (or the given context) built.
 * `imageRef` is what the containers are created from: the tag stays the same across rebuilds,
 * the image ID (repoDigest of a local build) does not, so containers follow a rebuilt image.
 */
function createHostImage(
    ctx: InfraContext,
    resourceName: string,
    opts: pulumi.CustomResourceOptions,
): { imageName: pulumi.Output<string>; imageRef: pulumi.Output<string> } {
    const { plan } = ctx;
    if (plan.image.name !== undefined) {
        const given = ctx.late.imageName ?? pulumi.output(plan.image.name);
        return { imageName: given, imageRef: given };
    }
    // pulumi-docker resolves both paths against the program's directory.
    const context = pulumi.output(ctx.dockerContext ?? relativeToProgram(DOCKERFILE_DIR));
    const built = new docker.Image(
        resourceName,
        {
            imageName: `redis-replication/${plan.name.toLowerCase()}:latest`,
            build: {
                context,
                dockerfile: context.apply((dir) => path.join(dir, "Dockerfile")),
                args: { REDIS_BASE_IMAGE: plan.image.baseImage },
                builderVersion: "BuilderV1",
            },
            skipPush: true,
        },
        opts,
    );
    return { imageName: built.imageName, imageRef: built.repoDigest };
}

function createNetwork(ctx: InfraContext, resourceName: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const { plan } = ctx;
    return new docker.Network(
        resourceName,
        {
            name: `${plan.name}-net`,
            driver: "bridge",
            ipamConfigs: [{ subnet: plan.network.subnet, gateway: plan.network.gateway }],
            labels: groupLabels(plan),
        },
        // Its name and subnet are fixed: the old network must go before the new one can exist.
        { ...opts, deleteBeforeReplace: true },
    ).name;
}

/** A path relative to the program's directory, so state doesn't change with the checkout's location. */
function relativeToProgram(dir: string): string {
    const relative = path.relative(process.cwd(), dir);
    return relative === "" ? "." : relative;
}

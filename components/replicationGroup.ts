import * as crypto from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { assertPassword, GroupPlan, GroupSpec, NodePlan, parseGroupConfig, splitSettings } from "../config";
import { LiveConfig, LiveSentinels, PasswordCommit } from "./liveConfig";
import { Preflight, PreflightArgs } from "./preflight";
import type { RolloutNode } from "./rollout";
import { REDIS_PORT, SENTINEL_PORT } from "./redisConf";
import { connectHost, containerName, createNodes, endpointOf, GroupNodes, groupLabels } from "./nodes";
import { ReplicaStatus, ReplicationCheck, ReplicationCheckArgs, SentinelStatus } from "./replicationCheck";

const DOCKERFILE_DIR = path.resolve(__dirname, "..", "docker");

/** Arguments for a replication group: the group's settings plus what can't live in plain config. */
export interface RedisReplicationGroupArgs extends GroupSpec {
    /** requirepass/masterauth of every node and the sentinels; required unless auth is false. Passed on as a secret. A new one is rotated live, with no container replaced (see README). */
    password?: pulumi.Input<string>;
    /** Directory with the Dockerfile to build, relative to the program. Default the package's docker/. */
    dockerContext?: pulumi.Input<string>;
}

/** host and port, as ioredis takes them. */
export interface HostPort {
    host: string;
    port: number;
}

/** What a Sentinel-aware client on the Docker host needs: ioredis `{ sentinels, name, natMap }`. */
export interface SentinelClientRecipe {
    /** The sentinels' published endpoints. */
    sentinels: HostPort[];
    /** The master name the sentinels monitor. */
    name: string;
    /** Container IP:port, as Sentinel reports it, to the published endpoint on the host. */
    natMap: Record<string, HostPort>;
}

/** What the check saw when it last passed. */
export interface ReplicationStatus {
    /** What it verified, in a sentence. */
    verified: string;
    /** Container name of the master the check found (with sentinel: the one the sentinels report). */
    master: string;
    /** Its host:port on the Docker host. */
    masterEndpoint: string;
    masterReplId: string;
    durationMs: number;
    passedAt: string;
    replicas: ReplicaStatus[];
    /** What each sentinel reported; undefined without sentinel. */
    sentinels?: SentinelStatus[];
    /** The live configuration's generation the check verified: one more for each `up` that changed a live setting or the password. */
    configGeneration: number;
}

/**
 * A Redis master and N replicas on one Docker network, with static IPs and published ports,
 * replicating by configuration, and verified during `pulumi up` by a replication check.
 */
export class RedisReplicationGroup extends pulumi.ComponentResource {
    /** host:port of the master on the Docker host. */
    public readonly masterEndpoint: pulumi.Output<string>;
    /** host:port of each replica on the Docker host. */
    public readonly replicaEndpoints: pulumi.Output<string[]>;
    /** Container name of the master. */
    public readonly masterContainerName: pulumi.Output<string>;
    /** Container names of the replicas. */
    public readonly replicaContainerNames: pulumi.Output<string[]>;
    /** The Docker network the nodes are on. */
    public readonly networkName: pulumi.Output<string>;
    /** The network's subnet, when known. */
    public readonly subnet: pulumi.Output<string | undefined>;
    /** redis://default:<password>@host:port of the master (secret): the form redis-cli and ioredis both log in with. */
    public readonly masterUrl: pulumi.Output<string>;
    /** redis:// URLs of the replicas, password included (secret). */
    public readonly replicaUrls: pulumi.Output<string[]>;
    /** The replication check's result. */
    public readonly replication: pulumi.Output<ReplicationStatus>;
    /** The image the nodes run. */
    public readonly imageName: pulumi.Output<string>;
    /** host:port of each sentinel on the Docker host; empty without sentinel. */
    public readonly sentinelEndpoints: pulumi.Output<string[]>;
    /** The name the sentinels monitor the master under; undefined without sentinel. */
    public readonly sentinelMasterName: pulumi.Output<string | undefined>;
    /** ioredis options for a Sentinel-aware client on the Docker host; undefined without sentinel. */
    public readonly sentinelClient: pulumi.Output<SentinelClientRecipe | undefined>;
    /** What the containers run: the built image's ID, or the given image name. */
    private readonly imageRef: pulumi.Output<string>;

    constructor(name: string, args: RedisReplicationGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("redis:index:ReplicationGroup", name, {}, opts);
        const { password: passwordInput, dockerContext, ...spec } = args;
        const plan = parseGroupConfig(spec, { name });
        const password = this.checkedPassword(plan, passwordInput);
        this.warnAbout(plan);

        // Every other resource waits for it: nothing exists before the inputs are known good.
        const preflight = new Preflight(`${name}-preflight`, { ...preflightTargets(plan), password }, { parent: this });
        const after = { parent: this, dependsOn: [preflight] };
        const image = plan.image.name ? undefined : this.buildImage(name, plan, dockerContext, after);
        this.imageName = image ? image.imageName : pulumi.output(plan.image.name!);
        // The tag stays the same across rebuilds; the image ID (repoDigest of a local build) does not,
        // so containers follow a rebuilt image.
        this.imageRef = image ? image.repoDigest : this.imageName;
        this.networkName = plan.network.existing ? pulumi.output(plan.network.existing) : this.createNetwork(name, plan, after).name;
        this.subnet = pulumi.output(plan.network.subnet);

        const live = new LiveConfig(`${name}-live-config`, { ...liveTargets(plan), settings: splitSettings(plan).live, password }, after);
        const nodes = createNodes({
            name,
            plan,
            parent: this,
            image: this.imageRef,
            networkName: this.networkName,
            password,
            before: [live],
            preflight: [preflight],
        });
        const check = this.verify(name, plan, nodes, live, password);

        const endpoint = (node: NodePlan) => endpointOf(plan, node);
        this.masterEndpoint = pulumi.output(endpoint(plan.master));
        this.replicaEndpoints = pulumi.output(plan.replicas.map(endpoint));
        this.masterContainerName = nodes.master.name;
        this.replicaContainerNames = pulumi.all(nodes.replicas.map((c) => c.name));
        this.masterUrl = urlOf(plan, plan.master, password);
        this.replicaUrls = pulumi.all(plan.replicas.map((node) => urlOf(plan, node, password)));
        this.replication = pulumi.output({
            verified: check.verified,
            master: check.currentMaster,
            masterEndpoint: check.currentMasterEndpoint,
            masterReplId: check.masterReplId,
            durationMs: check.durationMs,
            passedAt: check.passedAt,
            replicas: check.replicaStatus,
            sentinels: check.sentinelStatus,
            configGeneration: check.configGeneration,
        });
        this.sentinelEndpoints = pulumi.output((plan.sentinel?.nodes ?? []).map(endpoint));
        this.sentinelMasterName = pulumi.output(plan.sentinel?.masterName);
        this.sentinelClient = pulumi.output(plan.sentinel ? sentinelRecipe(plan, connectHost(plan)) : undefined);

        this.registerOutputs({
            masterEndpoint: this.masterEndpoint,
            replicaEndpoints: this.replicaEndpoints,
            masterContainerName: this.masterContainerName,
            replicaContainerNames: this.replicaContainerNames,
            networkName: this.networkName,
            subnet: this.subnet,
            masterUrl: this.masterUrl,
            replicaUrls: this.replicaUrls,
            replication: this.replication,
            imageName: this.imageName,
            sentinelEndpoints: this.sentinelEndpoints,
            sentinelMasterName: this.sentinelMasterName,
            sentinelClient: this.sentinelClient,
        });
    }

    /**
     * After the rollout: the old password retired (PasswordCommit), then the replication check of
     * every container, with the live configuration's generation.
     */
    private verify(
        name: string,
        plan: GroupPlan,
        nodes: GroupNodes,
        live: LiveConfig,
        password: pulumi.Output<string> | undefined,
    ): ReplicationCheck {
        const containers = [nodes.master, ...nodes.replicas, ...nodes.sentinels];
        const deployed = [...nodes.rejoins, ...nodes.sentinels];
        const commit =
            password &&
            new PasswordCommit(`${name}-password-commit`, { ...liveTargets(plan), password }, { parent: this, dependsOn: deployed });
        return new ReplicationCheck(
            `${name}-check`,
            {
                ...checkTargets(plan),
                password,
                containerIds: containers.map((c) => c.id),
                configGeneration: live.generation,
                // A new value on every run makes the check run on every `up`.
                verifyToken: plan.verify === "always" ? crypto.randomUUID() : undefined,
            },
            { parent: this, dependsOn: commit ? [...deployed, commit] : deployed },
        );
    }

    /** The password as a secret: checked now if it is known now, else by the preflight once its value is known. */
    private checkedPassword(plan: GroupPlan, input: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
        if (typeof input === "string" || input === undefined) assertPassword(input, plan.auth, "password");
        return plan.auth ? pulumi.secret(pulumi.output(input as pulumi.Input<string>)) : undefined;
    }

    private warnAbout(plan: GroupPlan): void {
        for (const warning of plan.warnings) pulumi.log.warn(`${plan.name}: ${warning}`, this);
        if (!plan.auth) {
            pulumi.log.warn(`${plan.name}: auth is off, so protected mode is off too: anyone who reaches a port can read and write`, this);
        }
    }

    /** docker/Dockerfile (or the given context) built with the classic builder, never pushed. */
    private buildImage(
        name: string,
        plan: GroupPlan,
        dockerContext: pulumi.Input<string> | undefined,
        opts: pulumi.CustomResourceOptions,
    ): docker.Image {
        // pulumi-docker resolves both paths against the program's directory.
        const context = pulumi.output(dockerContext ?? relativeToProgram(DOCKERFILE_DIR));
        return new docker.Image(
            `${name}-image`,
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
    }

    private createNetwork(name: string, plan: GroupPlan, opts: pulumi.CustomResourceOptions): docker.Network {
        return new docker.Network(
            `${name}-network`,
            {
                name: `${plan.name}-net`,
                driver: "bridge",
                ipamConfigs: [{ subnet: plan.network.subnet, gateway: plan.network.gateway }],
                labels: groupLabels(plan),
            },
            // Its name and subnet are fixed: the old network must go before the new one can exist.
            { ...opts, deleteBeforeReplace: true },
        );
    }
}

/** What the preflight checks on the Docker engine: each node's host port and IP by property path, and the names. */
function preflightTargets(plan: GroupPlan): Omit<PreflightArgs, "password"> {
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
        existingNetwork: plan.network.existing,
        names: {
            containers: nodes.map(([, n]) => containerName(plan, n)),
            networks: plan.network.existing ? [] : [`${plan.name}-net`],
            volumes: plan.persistence.volume === "named" ? dataNodes.map((n) => `${containerName(plan, n)}-data`) : [],
        },
    };
}

/** The data nodes and sentinels, as the live configuration reaches them. */
function liveTargets(plan: GroupPlan): { dataNodes: RolloutNode[]; sentinel?: LiveSentinels; timeoutMs: number } {
    const target = (node: NodePlan) => ({ name: containerName(plan, node), endpoint: endpointOf(plan, node) });
    return {
        dataNodes: [plan.master, ...plan.replicas].map((node) => ({ ...target(node), ip: node.ip })),
        sentinel: plan.sentinel && { masterName: plan.sentinel.masterName, nodes: plan.sentinel.nodes.map(target) },
        timeoutMs: plan.checkTimeoutSeconds * 1000,
    };
}

/** What the check must find, by container name, endpoint and address. */
function checkTargets(plan: GroupPlan): Omit<ReplicationCheckArgs, "password" | "containerIds"> {
    const target = (node: NodePlan) => ({ name: containerName(plan, node), endpoint: endpointOf(plan, node), ip: node.ip });
    return {
        masterContainer: containerName(plan, plan.master),
        masterEndpoint: endpointOf(plan, plan.master),
        masterIp: plan.master.ip,
        masterPort: REDIS_PORT,
        replicas: plan.replicas.map(target),
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

function urlOf(plan: GroupPlan, node: NodePlan, password: pulumi.Output<string> | undefined): pulumi.Output<string> {
    return password
        ? pulumi.secret(pulumi.interpolate`redis://default:${password.apply(encodeURIComponent)}@${endpointOf(plan, node)}`)
        : pulumi.output(`redis://${endpointOf(plan, node)}`);
}

/** Sentinels report container IPs; the natMap turns them into the ports published on the host. */
function sentinelRecipe(plan: GroupPlan, host: string): SentinelClientRecipe {
    const sentinel = plan.sentinel!;
    const natMap: Record<string, HostPort> = {};
    for (const node of [plan.master, ...plan.replicas]) natMap[`${node.ip}:${REDIS_PORT}`] = { host, port: node.hostPort };
    for (const node of sentinel.nodes) natMap[`${node.ip}:${SENTINEL_PORT}`] = { host, port: node.hostPort };
    return { sentinels: sentinel.nodes.map((node) => ({ host, port: node.hostPort })), name: sentinel.masterName, natMap };
}

/** A path relative to the program's directory, so state doesn't change with the checkout's location. */
function relativeToProgram(dir: string): string {
    const relative = path.relative(process.cwd(), dir);
    return relative === "" ? "." : relative;
}

// The group's node resources: a container per data node and sentinel, each data node's volume,
// and the rollout chain between the data nodes that exist. Replicas come first and the master
// last, each container after the one before it is back in the group (NodeRejoin), so the engine,
// which replaces a resource only once what it depends on is done, replaces them one node at a
// time. A node without a container yet is in no chain: a first deploy creates them side by side.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { cpusReadBack, NodePlan, restartPolicyOf } from "../config";
import { containerName, endpointOf, hostOf, peerText, toolTarget } from "./addresses";
import {
    HEALTHCHECK_TEST,
    healthcheckFor,
    NodeSecrets,
    REDIS_CONF_PATH,
    REDIS_PORT,
    renderRedisConf,
    renderSentinelConf,
    SENTINEL_CONF_PATH,
    SENTINEL_HEALTHCHECK_TEST,
    SENTINEL_PORT,
    TLS_FILES,
} from "./redisConf";
import type { TlsPem } from "./tls";
import type { BootSettings } from "./liveConfig";
import { createBoot, nodeFingerprint } from "./boot";
import type { GroupNodes, NodeContext } from "./nodeContext";
import {
    chainOf,
    NodeHandover,
    NodeRejoin,
    readExistingNodes,
    readSentinels,
    rolloutOrder,
    RolloutNode,
    RolloutSentinel,
    SentinelRejoin,
    SentinelView,
} from "./rollout";
import { groupLabels, LABEL_KEYS, NODE_STOP_GRACE_SECONDS, nodeResourceName, REDIS_UID } from "./naming";
import { createHostDirs, createVolumes, dataTarget } from "./volumes";

/**
 * The data nodes (replicas first, each after the one before is back) and the sentinels. With
 * sentinels the order follows the master they report when the program runs: it goes last, so
 * that the rollout fails over once, to a node already replaced. Only nodes whose container exists
 * when the program runs are chained; the others are created side by side.
 */
export function createNodes(ctx: NodeContext): GroupNodes {
    const { plan } = ctx;
    const hostDirs = plan.persistence.volume === "hostPath" ? [createHostDirs(ctx, [plan.master, ...plan.replicas])] : [];
    const dataNodes: RolloutNode[] = [plan.master, ...plan.replicas].map((node) => toolTarget(plan, node));
    const timeoutMs = plan.checkTimeoutSeconds * 1000;
    const containers = new Map<string, docker.Container>();
    const rejoins = new Map<string, NodeRejoin>();
    const handovers = new Map<string, NodeHandover>();
    const first: pulumi.Resource[] = [...hostDirs, ...ctx.before];
    const deployedMaster = peerText(plan, plan.master);
    const sentinel = plan.sentinel && {
        masterName: plan.sentinel.masterName,
        endpoints: plan.sentinel.nodes.map((n) => endpointOf(plan, n)),
    };
    const planned = [...plan.replicas, plan.master];
    const view = sentinel && readSentinels(sentinel, ctx.admin);
    const order = view
        ? view.apply((v) =>
              rolloutOrder(
                  planned.map((n) => ({ key: n.key, address: peerText(plan, n) })),
                  v.master,
              ),
          )
        : pulumi.output(planned.map((n) => n.key));
    const existing = readExistingNodes(
        planned.map((n) => ({ key: n.key, container: containerName(plan, n) })),
        ctx.engines,
    );
    const chain = pulumi.all([order, existing]).apply(([o, e]) => chainOf(o, e));
    for (const node of planned) {
        const deployedReplicaOf = node.role === "replica" ? deployedMaster : "";
        // After the node before it in the chain (read when the program runs) is back.
        const after = chain.apply((c) => {
            const i = c.indexOf(node.key);
            return i <= 0 ? first : [rejoins.get(c[i - 1]!)!];
        });
        const handover =
            sentinel &&
            createHandover(ctx, node, {
                deployedReplicaOf,
                fingerprint: nodeFingerprint(ctx, node, deployedReplicaOf),
                dataNodes,
                sentinel,
                timeoutMs,
                current: view!.apply((v) => v.master),
                dependsOn: after,
            });
        if (handover) handovers.set(node.key, handover);
        const replicaOf = handover ? handover.replicaOf : pulumi.output(deployedReplicaOf);
        const container = createDataContainer(ctx, node, replicaOf, handover ? [handover] : after);
        containers.set(node.key, container);
        const rejoin = new NodeRejoin(
            `${ctx.name}-${node.key}-rejoin`,
            {
                node: toolTarget(plan, node),
                replicaOf,
                dataNodes,
                ...ctx.admin,
                containerId: container.id,
                timeoutMs,
                removesLeavers: node === plan.master || undefined,
                sentinel: node === plan.master ? sentinel : undefined,
            },
            { parent: ctx.parent, dependsOn: [container] },
        );
        rejoins.set(node.key, rejoin);
    }
    const rolledOut = planned.map((n) => rejoins.get(n.key)!);
    const monitor = view ? order.apply((o) => masterAfterRollout(handovers.get(o[o.length - 1]!)!, view!)) : pulumi.output(deployedMaster);
    const sentinels = createSentinels(ctx, { monitor, rolledOut, view, timeoutMs });
    return {
        master: containers.get(plan.master.key)!,
        replicas: plan.replicas.map((n) => containers.get(n.key)!),
        sentinels: sentinels.containers,
        rejoins: rolledOut,
        sentinelRejoins: sentinels.rejoins,
    };
}

/**
 * The master as the rollout leaves it, from the last node's handover: what it failed over to if it
 * ran in this `up` (it recorded the master the sentinels report now), else the master they report now.
 */
function masterAfterRollout(last: NodeHandover, view: pulumi.Output<SentinelView>): pulumi.Output<string> {
    return pulumi
        .all([last.current, last.masterAfter, view])
        .apply(([recorded, after, now]) => (now.master === undefined || recorded === now.master ? after : now.master));
}

/**
 * The sentinels, after the data nodes. Where sentinels run already, each waits for the one before
 * it to be back with its quorum and its view of the group (SentinelRejoin), so a rollout replaces
 * them one at a time and a failover stays possible throughout; a first deploy starts them together.
 */
function createSentinels(
    ctx: NodeContext,
    opts: {
        monitor: pulumi.Output<string>;
        rolledOut: NodeRejoin[];
        view?: pulumi.Output<SentinelView>;
        timeoutMs: number;
    },
): { containers: docker.Container[]; rejoins: SentinelRejoin[] } {
    const { plan } = ctx;
    const containers: docker.Container[] = [];
    const rejoins: SentinelRejoin[] = [];
    for (const node of plan.sentinel?.nodes ?? []) {
        const before = rejoins[rejoins.length - 1];
        const dependsOn =
            before && opts.view
                ? opts.view.apply((v): pulumi.Resource[] => (v.answered > 0 ? [...opts.rolledOut, before] : opts.rolledOut))
                : opts.rolledOut;
        const container = createNodeContainer(ctx, node, {
            config: {
                file: SENTINEL_CONF_PATH,
                ...createBootFiles(ctx, node, opts.monitor, (secrets, at, boot) => renderSentinelConf(node, plan, secrets, at, boot.users)),
            },
            internalPort: SENTINEL_PORT,
            healthcheck: healthcheckFor(plan, SENTINEL_HEALTHCHECK_TEST),
            command: ["redis-server", SENTINEL_CONF_PATH, "--sentinel"],
            volumes: [],
            // After the data nodes are back: a sentinel then learns them all at its first look
            // (it asks the master only every 10 s).
            dependsOn,
        });
        containers.push(container);
        rejoins.push(
            new SentinelRejoin(
                `${ctx.name}-${node.key}-rejoin`,
                {
                    endpoint: endpointOf(plan, node),
                    name: containerName(plan, node),
                    masterName: plan.sentinel!.masterName,
                    sentinels: plan.sentinel!.nodes.length,
                    replicas: plan.replicas.length,
                    ...ctx.admin,
                    containerId: container.id,
                    timeoutMs: opts.timeoutMs,
                },
                { parent: ctx.parent, dependsOn: [container] },
            ),
        );
    }
    return { containers, rejoins };
}

function createDataContainer(
    ctx: NodeContext,
    node: NodePlan,
    replicaOf: pulumi.Output<string>,
    dependsOn: pulumi.Input<pulumi.Resource[]>,
): docker.Container {
    const volumes = createVolumes(ctx, node);
    const seed = node.role === "master" && ctx.seedMaster?.(dataTarget(volumes), dependsOn);
    return createNodeContainer(ctx, node, {
        config: {
            file: REDIS_CONF_PATH,
            ...createBootFiles(ctx, node, replicaOf, (secrets, of, boot) =>
                renderRedisConf(node, ctx.plan, secrets, {
                    replicaOf: of,
                    live: boot.live,
                    defaultRules: boot.defaultRules,
                    users: boot.users,
                }),
            ),
        },
        internalPort: REDIS_PORT,
        healthcheck: healthcheckFor(ctx.plan, HEALTHCHECK_TEST),
        volumes,
        // The seed waits for what the container would wait for.
        dependsOn: seed ? [seed] : dependsOn,
    });
}

/**
 * A node's config file content and TLS files, from what its NodeBoot keeps (LiveConfig changes
 * them on the running node). Secret: they hold the users' passwords and the TLS key.
 */
function createBootFiles(
    ctx: NodeContext,
    node: NodePlan,
    follows: pulumi.Output<string>,
    render: (secrets: NodeSecrets, follows: string, boot: BootSettings) => string,
): { content: pulumi.Output<string>; tls?: pulumi.Output<TlsPem> } {
    const boot = createBoot(ctx, node, nodeFingerprint(ctx, node, follows), follows);
    // A sentinel boots monitoring the master kept in its NodeBoot (one made before it was kept: the current one).
    const content = pulumi
        .all([boot, follows, ctx.creds])
        .apply(([b, of, creds]) => render({ password: b.password, creds }, b.follows ?? of, b));
    // A NodeBoot made before the group had TLS files keeps none: the group's current ones then.
    const tls = ctx.tls && pulumi.all([boot, ctx.tls]).apply(([b, current]) => b.tls ?? current);
    return { content: pulumi.secret(content), tls: tls && pulumi.secret(tls) };
}

/** With sentinels, the NodeHandover before a data node: it fails over only when the node's fingerprint changes. */
function createHandover(
    ctx: NodeContext,
    node: NodePlan,
    opts: {
        deployedReplicaOf: string;
        fingerprint: pulumi.Output<string>;
        dataNodes: RolloutNode[];
        sentinel: RolloutSentinel;
        timeoutMs: number;
        current: pulumi.Output<string | undefined>;
        dependsOn: pulumi.Input<pulumi.Resource[]>;
    },
): NodeHandover {
    const { plan } = ctx;
    return new NodeHandover(
        `${ctx.name}-${node.key}-handover`,
        {
            node: toolTarget(plan, node),
            deployedReplicaOf: opts.deployedReplicaOf,
            fingerprint: opts.fingerprint,
            dataNodes: opts.dataNodes,
            sentinel: opts.sentinel,
            ...ctx.admin,
            timeoutMs: opts.timeoutMs,
            current: opts.current,
        },
        { parent: ctx.parent, dependsOn: opts.dependsOn },
    );
}

interface NodeContainerSpec {
    config: { file: string; content: pulumi.Output<string>; tls?: pulumi.Output<TlsPem> };
    internalPort: number;
    healthcheck: string[];
    command?: string[];
    volumes: docker.types.input.ContainerVolume[];
    dependsOn: pulumi.Input<pulumi.Resource[]>;
}

/** One Redis or Sentinel container: static IP, published port, uploaded config, healthcheck. */
function createNodeContainer(ctx: NodeContext, node: NodePlan, spec: NodeContainerSpec): docker.Container {
    const { plan } = ctx;
    const place = ctx.place(node);
    const publishIp = hostOf(plan, node)?.publishIp ?? plan.hostIp;
    const resource = nodeResourceName(ctx.name, node);
    return new docker.Container(
        resource.name,
        {
            name: containerName(plan, node),
            image: place.image,
            hostname: containerName(plan, node),
            command: spec.command,
            networksAdvanced: [{ name: place.networkName, ipv4Address: node.ip, aliases: [node.key] }],
            ports: [{ internal: spec.internalPort, external: node.hostPort, ip: publishIp, protocol: "tcp" }],
            volumes: spec.volumes,
            uploads: [
                // Owned by redis and private: it holds the password.
                { file: spec.config.file, content: spec.config.content, ...PRIVATE },
                ...tlsUploads(spec.config.tls),
            ],
            healthcheck: { tests: spec.healthcheck, interval: "1s", timeout: "2s", retries: 5, startPeriod: "5s" },
            restart: restartPolicyOf(plan, node),
            memory: plan.resources.memoryMb,
            // Docker's own default (twice memory), given so that the read-back value matches the input.
            memorySwap: plan.resources.memoryMb === undefined ? undefined : plan.resources.memoryMb * 2,
            // In the provider's read-back form: any other form replaces the container on every `up`.
            cpus: plan.resources.cpus === undefined ? undefined : cpusReadBack(plan.resources.cpus),
            labels: groupLabels(plan, { [LABEL_KEYS.role]: node.role, [LABEL_KEYS.node]: node.key }),
            mustRun: true,
            sysctls: NODE_SYSCTLS,
            // The provider stops a container with this grace before removing it (unset: 0 s, a kill):
            // Redis then shuts down cleanly, and a master first lets its replicas catch up.
            destroyGraceSeconds: NODE_STOP_GRACE_SECONDS,
        },
        // Fixed name, IP and host port: the old container must go before its replacement can start.
        {
            parent: ctx.parent,
            provider: place.provider,
            dependsOn: spec.dependsOn,
            deleteBeforeReplace: true,
            deletedWith: place.deletedWith,
            aliases: resource.aliases,
        },
    );
}

/**
 * A replica that starts before its master asks ARP for an address no container has yet; Linux
 * resolves it again only after retrans_time_ms (1 s by default), so the replica's connect, and the
 * connect the master's wait asks for, waited up to a second once the master was up. 100 ms keeps
 * that wait short on a first deploy. The same interval spaces the unicast probes that reconfirm a
 * known peer: 30 of them keep Linux's 3 s before a slow peer counts as unreachable.
 */
export const NODE_SYSCTLS = { "net.ipv4.neigh.eth0.retrans_time_ms": "100", "net.ipv4.neigh.eth0.ucast_solicit": "30" } as const;

/** An upload owned by the redis user, with these permissions. */
export function privateUpload(permissions: string): { owner: string; group: string; permissions: string } {
    return { owner: String(REDIS_UID), group: String(REDIS_UID), permissions };
}

/** Owned by the redis user, readable by it alone. */
const PRIVATE = privateUpload("0600");

/** The TLS certificate, key and CA beside the node's config, when the group has TLS. */
export function tlsUploads(tls: pulumi.Output<TlsPem> | undefined): docker.types.input.ContainerUpload[] {
    if (!tls) return [];
    return (Object.keys(TLS_FILES) as (keyof TlsPem)[]).map((part) => ({ file: TLS_FILES[part], content: tls[part], ...PRIVATE }));
}

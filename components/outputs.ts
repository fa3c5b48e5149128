// What the component hands back: the shapes of its object outputs, and how the addresses in
// them are made from the plan. Two points of view: a client on the Docker host (published ports:
// the URLs, sentinelClient) and a container on the group's network (static IPs: connection).
import * as pulumi from "@pulumi/pulumi";
import type { GroupPlan, NodePlan } from "../config";
import type { ReplicaStatus, ReplicationCheck, SentinelStatus } from "./replicationCheck";
import { REDIS_PORT, SENTINEL_PORT } from "./redisConf";
import { connectHost, endpointOf } from "./nodes";

/** host and port, as ioredis takes them. */
export interface HostPort {
    /** Host name or IP address. */
    host: string;
    /** TCP port. */
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
    /** With TLS: connect to the sentinels over TLS too. */
    enableTLSForSentinelMode?: boolean;
    /** With TLS: the nodes' TLS options (the CA, and the name their certificate has). */
    tls?: ClientTls;
    /** With TLS: the sentinels' TLS options, the same. */
    sentinelTLS?: ClientTls;
}

/** What a client needs to trust the group's certificate; with authClients, it adds its own cert and key. */
export interface ClientTls {
    /** The CA certificate (PEM). */
    ca: string;
    /** The name to check the certificate against, when it is not the address connected to. */
    servername?: string;
}

/** Where a container on the group's network asks which node is master now. */
export interface SentinelConnection {
    /** Each sentinel's IP and port on the group's network. */
    endpoints: HostPort[];
    /** The name the sentinels monitor the master under. */
    masterName: string;
}

/** How a container on the group's network reaches one node: hand it to an app container as it is. */
export interface NodeConnection {
    /** The node's static IP on the group's network. */
    host: string;
    /** The port the node listens on there (6379). */
    port: number;
    /** The password (secret); absent when auth is off. */
    password?: string;
    /** redis://default:<password>@host:port (secret): the form redis-cli and ioredis log in with. */
    url: string;
    /** With Sentinel: where to ask for the master of now, which may no longer be this node. */
    sentinels?: SentinelConnection;
    /** With TLS: the CA, and the name the nodes' certificate has (a client on the network connects by IP). */
    tls?: ClientTls;
}

/** How a container on the group's network reaches the group, by role. */
export interface GroupConnection {
    /** The master as deployed; with Sentinel, its `sentinels` name the master of now. */
    master: NodeConnection;
    /** The replicas, in plan order. */
    replicas: NodeConnection[];
}

/** What the check saw when it last passed. */
export interface ReplicationStatus {
    /** What it verified, in a sentence. */
    verified: string;
    /** Container name of the master the check found (with sentinel: the one the sentinels report). */
    master: string;
    /** Its host:port on the Docker host. */
    masterEndpoint: string;
    /** master_replid of that master when the check passed. */
    masterReplId: string;
    /** How long the check took, in ms. */
    durationMs: number;
    /** When the check passed (ISO time). */
    passedAt: string;
    /** Link status, offset and lag of each replica when the check passed. */
    replicas: ReplicaStatus[];
    /** What each sentinel reported; undefined without sentinel. */
    sentinels?: SentinelStatus[];
    /** The live configuration's generation the check verified: one more for each `up` that changed a live setting or the password. */
    configGeneration: number;
}

/** redis:// (rediss:// with TLS) [default:<password>@]host:port, secret when it holds the password. */
function redisUrl(plan: GroupPlan, hostPort: string, password: pulumi.Output<string> | undefined): pulumi.Output<string> {
    const scheme = plan.tls ? "rediss" : "redis";
    return password
        ? pulumi.secret(pulumi.interpolate`${scheme}://default:${password.apply(encodeURIComponent)}@${hostPort}`)
        : pulumi.output(`${scheme}://${hostPort}`);
}

/** A node's URL on the Docker host (its published port). */
export function hostUrlOf(plan: GroupPlan, node: NodePlan, password: pulumi.Output<string> | undefined): pulumi.Output<string> {
    return redisUrl(plan, endpointOf(plan, node), password);
}

/** What a client trusts, from the CA, when the group has TLS. */
export function clientTlsOf(plan: GroupPlan, ca: pulumi.Output<string> | undefined): pulumi.Output<ClientTls | undefined> {
    return pulumi.output(ca).apply((pem) => (plan.tls && pem ? { ca: pem, servername: plan.tls.serverName } : undefined));
}

/** Sentinels report container IPs; the natMap turns them into the ports published on the host. With TLS, ioredis's TLS options too. */
export function sentinelRecipe(plan: GroupPlan, tls: ClientTls | undefined): SentinelClientRecipe | undefined {
    if (!plan.sentinel) return undefined;
    const host = connectHost(plan);
    const natMap: Record<string, HostPort> = {};
    for (const node of [plan.master, ...plan.replicas]) natMap[`${node.ip}:${REDIS_PORT}`] = { host, port: node.hostPort };
    for (const node of plan.sentinel.nodes) natMap[`${node.ip}:${SENTINEL_PORT}`] = { host, port: node.hostPort };
    const recipe = {
        sentinels: plan.sentinel.nodes.map((node) => ({ host, port: node.hostPort })),
        name: plan.sentinel.masterName,
        natMap,
    };
    return tls ? { ...recipe, enableTLSForSentinelMode: true, tls, sentinelTLS: tls } : recipe;
}

/** The group as a container on its network reaches it: static IPs, the ports inside the network. */
export function connectionOf(
    plan: GroupPlan,
    password: pulumi.Output<string> | undefined,
    tls: pulumi.Output<ClientTls | undefined>,
): pulumi.Output<GroupConnection> {
    const sentinels: SentinelConnection | undefined = plan.sentinel && {
        endpoints: plan.sentinel.nodes.map((node) => ({ host: node.ip, port: SENTINEL_PORT })),
        masterName: plan.sentinel.masterName,
    };
    const node = (n: NodePlan) =>
        pulumi.output({ host: n.ip, port: REDIS_PORT, password, url: redisUrl(plan, `${n.ip}:${REDIS_PORT}`, password), sentinels, tls });
    return pulumi.output({ master: node(plan.master), replicas: plan.replicas.map(node) });
}

/** The check's result as the component's `replication` output. */
export function replicationStatusOf(check: ReplicationCheck): pulumi.Output<ReplicationStatus> {
    return pulumi.output({
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
}

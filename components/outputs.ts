// What the component hands back: the shapes of its object outputs, and how the addresses in
// them are made from the plan. Two points of view: a client on the Docker host (published ports:
// the URLs, sentinelClient) and a container on the group's network (static IPs: connection).
import * as pulumi from "@pulumi/pulumi";
import type { GroupPlan, NodePlan } from "../config";
import { connectHost, containerName, endpointOf, peerOf, publishedAt } from "./addresses";
import type { ReplicaStatus, ReplicationCheck, SentinelStatus } from "./replicationCheck";
import { REDIS_PORT, SENTINEL_PORT } from "./redisConf";

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
    /** With several hosts: the name of the host that master runs on. */
    masterHost?: string;
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
    /** After restoreFrom: the keys every data node held when the check first passed. */
    restoredKeys?: number;
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

/**
 * On one engine, sentinels report container IPs, and the natMap turns them into the ports published
 * on the host; across hosts they report the hosts' addresses, which need no map. With TLS, ioredis's
 * TLS options too.
 */
export function sentinelRecipe(plan: GroupPlan, tls: ClientTls | undefined): SentinelClientRecipe | undefined {
    if (!plan.sentinel) return undefined;
    const host = connectHost(plan);
    const natMap: Record<string, HostPort> = {};
    if (!plan.hosts) {
        for (const node of [plan.master, ...plan.replicas]) natMap[`${node.ip}:${REDIS_PORT}`] = { host, port: node.hostPort };
        for (const node of plan.sentinel.nodes) natMap[`${node.ip}:${SENTINEL_PORT}`] = { host, port: node.hostPort };
    }
    const recipe = {
        sentinels: plan.sentinel.nodes.map((node) => publishedAt(plan, node)),
        name: plan.sentinel.masterName,
        natMap,
    };
    return tls ? { ...recipe, enableTLSForSentinelMode: true, tls, sentinelTLS: tls } : recipe;
}

/**
 * The group as a container reaches it: on one engine, the static IPs and the ports inside the
 * group's network; across hosts, the hosts' addresses and published ports, from any host.
 */
export function connectionOf(
    plan: GroupPlan,
    password: pulumi.Output<string> | undefined,
    tls: pulumi.Output<ClientTls | undefined>,
): pulumi.Output<GroupConnection> {
    const reach = (n: NodePlan): HostPort => {
        if (plan.hosts) {
            const { ip, port } = peerOf(plan, n);
            return { host: ip, port };
        }
        return { host: n.ip, port: n.role === "sentinel" ? SENTINEL_PORT : REDIS_PORT };
    };
    const sentinels: SentinelConnection | undefined = plan.sentinel && {
        endpoints: plan.sentinel.nodes.map(reach),
        masterName: plan.sentinel.masterName,
    };
    const node = (n: NodePlan) => {
        const { host, port } = reach(n);
        return pulumi.output({ host, port, password, url: redisUrl(plan, `${host}:${port}`, password), sentinels, tls });
    };
    return pulumi.output({ master: node(plan.master), replicas: plan.replicas.map(node) });
}

/** The check's result as the component's `replication` output; with several hosts, the master's host by name. */
export function replicationStatusOf(check: ReplicationCheck, plan: GroupPlan): pulumi.Output<ReplicationStatus> {
    const hostByContainer = new Map([plan.master, ...plan.replicas].map((n) => [containerName(plan, n), n.host]));
    return pulumi.output({
        verified: check.verified,
        master: check.currentMaster,
        masterHost: plan.hosts ? check.currentMaster.apply((m) => hostByContainer.get(m)) : undefined,
        masterEndpoint: check.currentMasterEndpoint,
        masterReplId: check.masterReplId,
        durationMs: check.durationMs,
        passedAt: check.passedAt,
        replicas: check.replicaStatus,
        sentinels: check.sentinelStatus,
        configGeneration: check.configGeneration,
        restoredKeys: check.restoredKeys,
    });
}

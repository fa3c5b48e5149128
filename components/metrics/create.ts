// The exporters: one redis_exporter container per Docker engine (each host's, with several) on
// the group's network, published like the nodes, logging in as the metrics user.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { GroupPlan, HostPlan, NodePlan } from "../../config";
import { groupLabels, LABEL_KEYS, NodePlace } from "../naming";
import type { TlsPem } from "../tls";
import {
    EXPORTER_PASSWORDS_FILE,
    EXPORTER_TLS,
    EXPORTER_UID,
    exporterArgs,
    exporterName,
    exporterPasswords,
    metricsTargets,
} from "./render";

/** What the exporters are made from. */
export interface MetricsContext {
    name: string;
    plan: GroupPlan;
    parent: pulumi.Resource;
    /** Where a node runs: the exporter of a host runs where that host's nodes do. */
    place: (node: NodePlan) => NodePlace;
    /** The metrics user's password (secret). */
    password: pulumi.Output<string>;
    tls?: pulumi.Output<TlsPem>;
    /** What the exporters wait for: the nodes, so that their first scrape finds them. */
    after: pulumi.Resource[];
}

/** Owned by the exporter's user, readable by it alone. */
const PRIVATE = { owner: String(EXPORTER_UID), group: String(EXPORTER_UID), permissions: "0400" };

/** An exporter per engine; each scrapes the nodes of its engine. */
export function createExporters(ctx: MetricsContext): docker.Container[] {
    const { plan } = ctx;
    const metrics = plan.metrics!;
    const targets = metricsTargets(plan);
    const hosts: (HostPlan | undefined)[] = plan.hosts ?? [undefined];
    return hosts.flatMap((host) => {
        const nodes = [plan.master, ...plan.replicas, ...(plan.sentinel?.nodes ?? [])].filter((n) => n.host === host?.name);
        if (nodes.length === 0) return [];
        const mine = targets.filter((t) => t.labels.host === (host?.name ?? ""));
        const place = ctx.place(nodes[0]!);
        const passwords = pulumi.secret(ctx.password.apply((p) => exporterPasswords(mine, p)));
        return [
            new docker.Container(
                host ? `${ctx.name}-${host.name}-metrics` : `${ctx.name}-metrics`,
                {
                    name: exporterName(plan),
                    image: metrics.image,
                    command: exporterArgs(plan),
                    networksAdvanced: [{ name: place.networkName, ipv4Address: metrics.ip }],
                    ports: [{ internal: 9121, external: metrics.hostPort, ip: host?.publishIp ?? metrics.hostIp, protocol: "tcp" }],
                    uploads: [{ file: EXPORTER_PASSWORDS_FILE, content: passwords, ...PRIVATE }, ...tlsUploads(ctx.tls)],
                    labels: groupLabels(plan, { [LABEL_KEYS.role]: "metrics" }),
                    restart: "unless-stopped",
                    mustRun: true,
                    destroyGraceSeconds: 5,
                },
                // A fixed name and port: the old container goes before its replacement starts.
                {
                    parent: ctx.parent,
                    provider: place.provider,
                    dependsOn: ctx.after,
                    deleteBeforeReplace: true,
                    deletedWith: place.deletedWith,
                },
            ),
        ];
    });
}

/** The CA, and the nodes' certificate and key as the exporter's client certificate. */
function tlsUploads(tls: pulumi.Output<TlsPem> | undefined): docker.types.input.ContainerUpload[] {
    if (!tls) return [];
    return (Object.keys(EXPORTER_TLS) as (keyof TlsPem)[]).map((part) => ({ file: EXPORTER_TLS[part], content: tls[part], ...PRIVATE }));
}

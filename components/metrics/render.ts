// What the exporters are made of and what Prometheus is given, from the plan alone. Pure.
// One redis_exporter per Docker engine in its multi-target mode (/scrape?target=): it reaches
// every node and sentinel of its engine on the group's network, so nothing is added to the
// nodes' containers, and one process and one port per host serve them all.
import type { GroupPlan, NodePlan } from "../../config";
import { hostOf, peerOf, REDIS_PORT, SENTINEL_PORT } from "../addresses";
import { renderRules } from "./rules";

export const METRICS_USER = "metrics";
/**
 * What redis_exporter runs on a data node (its README's list, less the key inspection we don't
 * turn on: no check-keys, no scripts): checked against 1.45 with an empty ACL LOG.
 */
export const METRICS_USER_RULES = "-@all +ping +info +client +config|get +cluster|info +slowlog +latency +memory";
/** What it runs on a sentinel: INFO and the SENTINEL queries of its sentinel metrics. */
export const METRICS_SENTINEL_RULES =
    "-@all +ping +info +client +sentinel|masters +sentinel|master +sentinel|sentinels +sentinel|slaves +sentinel|replicas +sentinel|ckquorum";
/** Where the exporter reads the metrics user's password, by target URI (its -redis.password-file). */
export const EXPORTER_PASSWORDS_FILE = "/redis-exporter-passwords.json";
/** The uid the official exporter image runs as. */
export const EXPORTER_UID = 59000;
/** Where the exporter finds the TLS files (uploaded beside its passwords). */
export const EXPORTER_TLS = { ca: "/redis-exporter-ca.crt", cert: "/redis-exporter.crt", key: "/redis-exporter.key" } as const;

/** One scraped node: the exporter Prometheus asks, the URI it asks it to scrape, and the labels of every series. */
export interface MetricsTarget {
    /** host:port of the exporter that scrapes this node. */
    target: string;
    /** The redis:// (or rediss://) URI the exporter connects to: the `target` parameter of /scrape. */
    uri: string;
    /** group, node (the planned node: a failover moves roles, which come from the exporter's redis_instance_info), host. */
    labels: Record<string, string>;
}

/** The exporter's container name (one per engine, so the same on every host). */
export function exporterName(plan: GroupPlan): string {
    return `${plan.name}-metrics`;
}

/** Every data node and sentinel. */
function scrapedNodes(plan: GroupPlan): NodePlan[] {
    return [plan.master, ...plan.replicas, ...(plan.sentinel?.nodes ?? [])];
}

/** Every node's target, in plan order. */
export function metricsTargets(plan: GroupPlan): MetricsTarget[] {
    const metrics = plan.metrics!;
    const scheme = plan.tls ? "rediss" : "redis";
    return scrapedNodes(plan).map((node) => {
        // On one engine, the node on the group's network at its own port (TLS, if any, is there);
        // across hosts, where its peers reach it.
        const host = hostOf(plan, node);
        const { ip, port } = host ? peerOf(plan, node) : { ip: node.ip, port: node.role === "sentinel" ? SENTINEL_PORT : REDIS_PORT };
        const exporter = host ? host.address : connectable(metrics.hostIp);
        return {
            target: `${exporter}:${metrics.hostPort}`,
            // The exporter drops user info from a target and looks its password up by the rest (http.go, v1.45).
            uri: `${scheme}://${ip}:${port}`,
            labels: { group: plan.name, node: node.key, host: node.host ?? "" },
        };
    });
}

/** Ports published on all interfaces are reached on loopback. */
function connectable(ip: string): string {
    return ip === "0.0.0.0" ? "127.0.0.1" : ip;
}

/** The targets as a Prometheus file_sd file (JSON): each asks its exporter's /scrape for its node. */
export function fileSdOf(targets: MetricsTarget[]): string {
    const entries = targets.map((t) => ({
        targets: [t.target],
        labels: { __metrics_path__: "/scrape", __param_target: t.uri, instance: `${t.labels.group}/${t.labels.node}`, ...t.labels },
    }));
    return JSON.stringify(entries, null, 2) + "\n";
}

/** The exporter's -redis.password-file: the metrics user's password for each URI it scrapes. */
export function exporterPasswords(targets: MetricsTarget[], password: string): string {
    return JSON.stringify(Object.fromEntries(targets.map((t) => [t.uri, password])));
}

/** The exporter's arguments (the image's entrypoint is the exporter itself). */
export function exporterArgs(plan: GroupPlan): string[] {
    const tls = plan.tls
        ? [
              `-tls-ca-cert-file=${EXPORTER_TLS.ca}`,
              `-tls-client-cert-file=${EXPORTER_TLS.cert}`,
              `-tls-client-key-file=${EXPORTER_TLS.key}`,
              // On one engine the nodes are reached at their IPs on the group's network, which the
              // certificate (naming hostIp or serverName) does not name; across hosts it names every address.
              ...(plan.hosts ? [] : ["-skip-tls-verification"]),
          ]
        : [];
    return [
        "-redis.addr=",
        `-redis.user=${METRICS_USER}`,
        `-redis.password-file=${EXPORTER_PASSWORDS_FILE}`,
        "-web.listen-address=:9121",
        ...tls,
    ];
}

/** The group's alert rules (Prometheus rule file, YAML). */
export function rulesOf(plan: GroupPlan): string {
    return renderRules({
        group: plan.name,
        replicas: plan.replicas.length,
        sentinel: plan.sentinel !== undefined,
        maxmemory: plan.maxmemory !== undefined,
        lagBytes: plan.metrics!.lagBytes,
        backupEverySeconds: plan.backup?.everySeconds,
    });
}

/** The `metrics` output: where Prometheus scrapes each node, and what it alerts on. */
export interface MetricsOutput {
    /** One per data node and sentinel: the exporter (host:port), the URI it scrapes, and the labels group, node, host. */
    targets: MetricsTarget[];
    /** The targets as a Prometheus file_sd file (JSON): write it where a file_sd_configs entry reads it. */
    fileSd: string;
    /** The group's alert rules, a Prometheus rule file (YAML), every expression scoped to its group. */
    rules: string;
}

/** The group's `metrics` output; undefined without metrics. */
export function metricsOutputOf(plan: GroupPlan): MetricsOutput | undefined {
    if (!plan.metrics) return undefined;
    const targets = metricsTargets(plan);
    return { targets, fileSd: fileSdOf(targets), rules: rulesOf(plan) };
}

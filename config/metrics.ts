// Metrics as the settings write them: the exporter's image, where it is published, and the
// alert rules' lag threshold. Pure.
import type { HostPlan, MetricsPlan } from "./types";
import { ipToInt } from "./ipv4";
import { claimToolIp, type NodeContext } from "./nodes";

/** redis_exporter's own image, pinned: a rebuild never moves to another exporter silently. */
export const DEFAULT_EXPORTER_IMAGE = "oliver006/redis_exporter:v1.67.0";
export const DEFAULT_EXPORTER_PORT = 9121;
/** 16 MiB behind: far beyond what a healthy replica lags under load (a few KB), and soon caught up. */
export const DEFAULT_LAG_BYTES = 16 * 1024 * 1024;
/** Docker's image reference: [registry[:port]/]path[:tag][@digest]. */
const IMAGE_REF =
    /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * The metrics settings: present means on (as with sentinel), `enabled: false` off. One exporter
 * per Docker engine (each host's, with several), its port taken on each.
 */
export function readMetrics(ctx: NodeContext, value: unknown, where: { hostIp: string; hosts?: HostPlan[] }): MetricsPlan | undefined {
    const { r } = ctx;
    const m = r.object(value, "metrics", ["enabled", "image", "hostPort", "hostIp", "lagBytes"]);
    if (!m) return undefined;
    const enabled = r.boolean(m.enabled, "metrics.enabled") ?? true;
    const image = r.string(m.image, "metrics.image") ?? DEFAULT_EXPORTER_IMAGE;
    if (!IMAGE_REF.test(image)) r.fail("metrics.image", `"${image}" is not an image reference such as ${DEFAULT_EXPORTER_IMAGE}`);
    const hostPort = r.integer(m.hostPort, "metrics.hostPort", 1, 65535) ?? DEFAULT_EXPORTER_PORT;
    const hostIp = r.string(m.hostIp, "metrics.hostIp");
    if (hostIp !== undefined && where.hosts)
        r.fail("metrics.hostIp", "is for one engine: with hosts, each exporter is published on its host's publishIp");
    else if (hostIp !== undefined && ipToInt(hostIp) === undefined) r.fail("metrics.hostIp", `${hostIp} is not an IPv4 address`);
    const lagBytes = r.integer(m.lagBytes, "metrics.lagBytes", 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_LAG_BYTES;
    if (!enabled) return undefined;
    for (const host of where.hosts ?? [undefined]) ctx.book.claimPort(hostPort, "metrics.hostPort", host?.name);
    const ip = claimToolIp(ctx, "metrics", "the exporter");
    return { image, hostPort, hostIp: hostIp ?? where.hostIp, lagBytes, ip };
}

// The state pulumi-docker holds for a container after its create: the TF create ends with Read
// (kreuzwerker/terraform-provider-docker@5074970c internal/provider/resource_docker_container_funcs.go:673),
// so the state is what Read stores, in its own forms. A later `up` diffs the new inputs against
// this (update/compare.ts), so an input given in another form is a diff.
import type Docker from "dockerode";
import { cpusReadBack } from "../../../config/dockerForms";
import type { ContainerSpec } from "./body";

const MB = 1024 * 1024;

/** Go's time.Duration.String() of a nanosecond count: "0s", "500ms", "1s", "1m30s", "1h0m0s". */
export function goDurationString(ns: number): string {
    if (ns === 0) return "0s";
    const sign = ns < 0 ? "-" : "";
    const n = BigInt(Math.abs(Math.round(ns)));
    const frac = (v: bigint, unit: bigint): string => {
        const whole = v / unit;
        const rest = v % unit;
        if (rest === 0n) return `${whole}`;
        const digits = (unit.toString().length - 1) as number;
        return `${whole}.${rest.toString().padStart(digits, "0").replace(/0+$/, "")}`;
    };
    if (n < 1000n) return `${sign}${n}ns`;
    if (n < 1_000_000n) return `${sign}${frac(n, 1000n)}µs`;
    if (n < 1_000_000_000n) return `${sign}${frac(n, 1_000_000n)}ms`;
    const h = n / 3_600_000_000_000n;
    const m = (n / 60_000_000_000n) % 60n;
    const s = frac(n % 60_000_000_000n, 1_000_000_000n);
    return `${sign}${h > 0n ? `${h}h` : ""}${h > 0n || m > 0n ? `${m}m` : ""}${s}s`;
}

/** Healthcheck as Read stores it: the durations in Duration.String() form (funcs.go:960-971). */
function healthcheckOf(info: Docker.ContainerInspectInfo, given: unknown): unknown {
    const hc = info.Config.Healthcheck as
        | { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number }
        | undefined;
    if (!hc) return given;
    return {
        tests: hc.Test,
        interval: goDurationString(hc.Interval ?? 0),
        timeout: goDurationString(hc.Timeout ?? 0),
        startPeriod: goDurationString(hc.StartPeriod ?? 0),
        startInterval: goDurationString(hc.StartInterval ?? 0),
        retries: hc.Retries ?? 0,
    };
}

/** Published ports as flattenContainerPorts reads them (funcs.go:800-806; structures.go:35-59). */
function portsOf(info: Docker.ContainerInspectInfo): Record<string, unknown>[] {
    return Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([key, binds]) =>
        (binds ?? []).map((bnd) => {
            const [internal, protocol] = key.split("/");
            return { internal: Number(internal), external: Number(bnd.HostPort), ip: bnd.HostIp, protocol };
        }),
    );
}

/** The container's state after create, as the provider reads it back. */
export function containerState(
    raw: Record<string, unknown>,
    spec: ContainerSpec,
    info: Docker.ContainerInspectInfo,
): Record<string, unknown> {
    const networkDatas = Object.entries(info.NetworkSettings.Networks ?? {}).map(([netName, s]) => ({
        networkName: netName,
        ipAddress: s.IPAddress,
        ipPrefixLength: s.IPPrefixLen,
        gateway: s.Gateway,
        globalIpv6Address: s.GlobalIPv6Address,
        globalIpv6PrefixLength: s.GlobalIPv6PrefixLen,
        ipv6Gateway: s.IPv6Gateway,
        macAddress: s.MacAddress,
    }));
    const ports = portsOf(info);
    const host = info.HostConfig as { NanoCpus?: number; Memory?: number; MemorySwap?: number; RestartPolicy?: { Name?: string } };
    const swap = host.MemorySwap ?? 0;
    return {
        ...raw,
        name: spec.name,
        image: spec.image,
        hostname: info.Config.Hostname, // funcs.go:847
        command: info.Config.Cmd ?? undefined, // funcs.go:849
        user: info.Config.User || undefined, // funcs.go:851
        restart: host.RestartPolicy?.Name ?? "no", // funcs.go:857
        memory: Math.floor((host.Memory ?? 0) / MB), // funcs.go:932
        memorySwap: swap > 0 ? Math.floor(swap / MB) : swap, // funcs.go:940-944
        cpus: (host.NanoCpus ?? 0) > 0 ? cpusReadBack(host.NanoCpus! / 1e9) : undefined, // funcs.go:946-948
        healthcheck: healthcheckOf(info, raw.healthcheck),
        networkDatas,
        ports: ports.length > 0 ? ports : raw.ports,
        exitCode: info.State.Running ? undefined : info.State.ExitCode,
        bridge: (info.NetworkSettings as { Bridge?: string }).Bridge ?? "",
    };
}

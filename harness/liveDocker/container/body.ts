// docker:index/container:Container's inputs, read strictly into the Engine API's create body and
// what has to happen after the create (networks to join, files to upload, start and waits).
// Everything is read before anything exists, so a bad input fails with nothing to clean up.
import * as fs from "fs";
import * as path from "path";
import { TEST_LABEL } from "../../docker";
import { autoName, Inputs } from "../inputs";
import type { BackendContext } from "../types";

const MB = 1024 * 1024;

/** A network the container joins after its create, with its endpoint settings. */
export interface NetworkJoin {
    name: string;
    endpoint: { IPAMConfig: { IPv4Address?: string; IPv6Address?: string }; Aliases?: string[] };
}

/** A file put into the container before its start. */
export interface Upload {
    file: string;
    data: Buffer;
    mode: number;
    uid?: number;
    gid?: number;
}

/** What the provider does around the create. */
export interface Lifecycle {
    start: boolean;
    mustRun: boolean;
    /** Wait for healthy, at most waitTimeout seconds. */
    wait: boolean;
    waitTimeout: number;
    /** Stop with this grace period before the removal. */
    destroyGrace?: number;
    removeVolumes: boolean;
}

/** A container's inputs, read. */
export interface ContainerSpec {
    name: string;
    image: string;
    /** The Engine API create body (plain JSON; the typings lag behind, e.g. Healthcheck.StartInterval). */
    body: Record<string, unknown>;
    networks: NetworkJoin[];
    uploads: Upload[];
    lifecycle: Lifecycle;
}

/** Go duration ("1s", "500ms", "1m30s", "0") in nanoseconds. */
export function parseGoDuration(s: string): number {
    if (s === "0") return 0;
    const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
    let total = 0;
    let at = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
        total += parseFloat(m[1]!) * units[m[2]!]!;
        at = re.lastIndex;
    }
    if (at !== s.length || s.length === 0) throw new Error(`"${s}" is not a Go duration (e.g. "1s", "500ms")`);
    return Math.round(total);
}

/** Ports: the real provider exposes and binds each one. */
function readPorts(inp: Inputs): { exposed: Record<string, object>; bindings: Record<string, { HostIp: string; HostPort: string }[]> } {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of inp.objs("ports")) {
        const internal = p.num("internal") ?? p.fail("internal", "is required");
        const key = `${internal}/${p.str("protocol") ?? "tcp"}`;
        const external = p.num("external");
        exposed[key] = {};
        (bindings[key] ??= []).push({ HostIp: p.str("ip") ?? "0.0.0.0", HostPort: external === undefined ? "" : String(external) });
        p.finish();
    }
    return { exposed, bindings };
}

/** `volumes` as binds and `mounts` as mounts; a named volume must be one this program created. */
function readStorage(inp: Inputs, ctx: BackendContext): { binds: string[]; mounts: Record<string, unknown>[] } {
    const volumes = ctx.objects.filter((o) => o.removal === undefined && o.made.type === "docker:index/volume:Volume");
    const onThisEngine = (o: (typeof volumes)[number]): boolean => (o.docker ?? ctx.docker) === ctx.docker;
    const knownVolumes = new Set(volumes.filter(onThisEngine).map((o) => o.made.id));
    const elsewhere = new Set(volumes.filter((o) => !onThisEngine(o)).map((o) => o.made.id));
    const requireVolume = (v: Inputs, key: string, vol: string): void => {
        // Docker would silently create an unlabelled, unmanaged volume for an unknown name.
        if (elsewhere.has(vol) && !knownVolumes.has(vol)) {
            v.fail(key, `names volume "${vol}", which this program created on another Docker engine (provider) than this container's`);
        }
        if (!knownVolumes.has(vol)) v.fail(key, `names volume "${vol}", which no docker.Volume of this program created`);
    };
    const binds = inp.objs("volumes").map((v) => {
        const target = v.str("containerPath") ?? v.fail("containerPath", "is required");
        const volumeName = v.str("volumeName");
        const hostPath = v.str("hostPath");
        if ((volumeName === undefined) === (hostPath === undefined)) v.fail("volumeName", "or hostPath: exactly one is required");
        if (volumeName !== undefined) requireVolume(v, "volumeName", volumeName);
        const bind = `${volumeName ?? hostPath}:${target}${v.bool("readOnly") ? ":ro" : ""}`;
        v.finish();
        return bind;
    });
    const mounts = inp.objs("mounts").map((m) => {
        const type = m.str("type") ?? m.fail("type", "is required");
        const mount: Record<string, unknown> = {
            Type: type,
            Source: m.str("source"),
            Target: m.str("target") ?? m.fail("target", "is required"),
            ReadOnly: m.bool("readOnly") ?? false,
        };
        if (type === "volume" && mount.Source !== undefined) requireVolume(m, "source", mount.Source as string);
        const options: [string, string, (o: Inputs) => unknown][] = [
            ["bindOptions", "BindOptions", (o) => ({ Propagation: o.str("propagation") })],
            ["tmpfsOptions", "TmpfsOptions", (o) => ({ SizeBytes: o.num("sizeBytes"), Mode: o.num("mode") })],
            ["volumeOptions", "VolumeOptions", (o) => ({ NoCopy: o.bool("noCopy") ?? false })],
        ];
        for (const [key, field, read] of options) {
            const o = m.nested(key);
            if (!o) continue;
            mount[field] = read(o);
            o.finish();
        }
        m.finish();
        return mount;
    });
    return { binds, mounts };
}

function readHealthcheck(inp: Inputs): Record<string, unknown> | undefined {
    const hc = inp.nested("healthcheck");
    if (!hc) return undefined;
    const dur = (k: string): number | undefined => {
        const s = hc.str(k);
        try {
            return s === undefined ? undefined : parseGoDuration(s);
        } catch (err) {
            return hc.fail(k, (err as Error).message);
        }
    };
    const healthcheck = {
        Test: hc.strs("tests") ?? hc.fail("tests", "is required"),
        Interval: dur("interval"),
        Timeout: dur("timeout"),
        StartPeriod: dur("startPeriod"),
        StartInterval: dur("startInterval"),
        Retries: hc.num("retries"),
    };
    hc.finish();
    return healthcheck;
}

/** Restart policy, CPU and memory limits, capabilities, extra hosts, ulimits and logging. */
function readLimits(inp: Inputs): { restart: string; host: Record<string, unknown> } {
    const restart = inp.str("restart") ?? "no";
    if (!["no", "on-failure", "always", "unless-stopped"].includes(restart)) {
        inp.fail("restart", `must be no|on-failure|always|unless-stopped, got ${restart}`);
    }
    const cpus = inp.str("cpus");
    // Docker's --cpus parser (big.Rat SetString) also takes the provider's read-back forms "1.0" and "10.".
    if (cpus !== undefined && !/^\d+(\.\d*)?$/.test(cpus)) inp.fail("cpus", `must be a decimal number like "0.5", got ${cpus}`);
    const memorySwap = inp.num("memorySwap");
    const caps = inp.nested("capabilities");
    const capAdd = caps?.strs("adds");
    const capDrop = caps?.strs("drops");
    caps?.finish();
    const hosts = inp.objs("hosts").map((h) => {
        const entry = `${h.str("host") ?? h.fail("host", "is required")}:${h.str("ip") ?? h.fail("ip", "is required")}`;
        h.finish();
        return entry;
    });
    const ulimits = inp.objs("ulimits").map((u) => {
        const entry = {
            Name: u.str("name") ?? u.fail("name", "is required"),
            Soft: u.num("soft") ?? u.fail("soft", "is required"),
            Hard: u.num("hard") ?? u.fail("hard", "is required"),
        };
        u.finish();
        return entry;
    });
    const logDriver = inp.str("logDriver");
    const logOpts = inp.strMap("logOpts");
    const host = {
        LogConfig: logDriver !== undefined || logOpts !== undefined ? { Type: logDriver ?? "json-file", Config: logOpts ?? {} } : undefined,
        MemorySwap: memorySwap === undefined ? undefined : memorySwap > 0 ? memorySwap * MB : memorySwap,
        NanoCpus: cpus !== undefined ? Math.round(parseFloat(cpus) * 1e9) : undefined,
        CapAdd: capAdd,
        CapDrop: capDrop,
        ExtraHosts: hosts,
        Ulimits: ulimits,
    };
    return { restart, host };
}

function readNetworks(inp: Inputs): NetworkJoin[] {
    return inp.objs("networksAdvanced").map((n) => {
        const net = {
            name: n.str("name") ?? n.fail("name", "is required"),
            endpoint: {
                IPAMConfig: { IPv4Address: n.str("ipv4Address"), IPv6Address: n.str("ipv6Address") },
                Aliases: n.strs("aliases"),
            },
        };
        n.finish();
        return net;
    });
}

/** A numeric owner or group of an upload (names can't be resolved outside the container). */
function numericId(u: Inputs, key: string): number | undefined {
    const s = u.str(key);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) u.fail(key, `must be a numeric id here (names can't be resolved outside the container), got ${s}`);
    return Number(s);
}

function readUploads(inp: Inputs, cwd: string): Upload[] {
    return inp.objs("uploads").map((u) => {
        const file = u.str("file") ?? u.fail("file", "is required");
        if (!file.startsWith("/")) u.fail("file", `must be an absolute path, got ${file}`);
        const content = u.str("content");
        const b64 = u.str("contentBase64");
        const source = u.str("source");
        if ([content, b64, source].filter((x) => x !== undefined).length !== 1) {
            u.fail("content", "/ contentBase64 / source: exactly one is required");
        }
        const data =
            content !== undefined
                ? Buffer.from(content, "utf8")
                : b64 !== undefined
                  ? Buffer.from(b64, "base64")
                  : fs.readFileSync(path.resolve(cwd, source!));
        const perms = u.str("permissions");
        if (perms !== undefined && !/^0?[0-7]{3,4}$/.test(perms)) u.fail("permissions", `must be octal like "0644", got ${perms}`);
        const mode = perms !== undefined ? parseInt(perms, 8) : u.bool("executable") ? 0o744 : 0o644;
        if (perms !== undefined) u.bool("executable"); // permissions wins, as in the provider
        const uid = numericId(u, "owner");
        const gid = numericId(u, "group");
        u.harmless("sourceHash");
        u.finish();
        return { file, data, mode, uid, gid };
    });
}

function readLifecycle(inp: Inputs): Lifecycle {
    const lifecycle = {
        start: inp.bool("start") ?? true,
        mustRun: inp.bool("mustRun") ?? true,
        wait: inp.bool("wait") ?? false,
        waitTimeout: inp.num("waitTimeout") ?? 60,
        destroyGrace: inp.num("destroyGraceSeconds"),
        removeVolumes: inp.bool("removeVolumes") ?? true,
    };
    inp.notTrue("attach", "it would block until the container exits");
    inp.notTrue("logs", "needs attach");
    inp.notTrue("rm", "auto-removal would race teardown");
    inp.harmless("containerReadRefreshTimeoutMilliseconds");
    return lifecycle;
}

/** HostConfig of the create body: what was read before, and the plain settings read here. */
function hostConfig(inp: Inputs, restart: string, read: Record<string, unknown>): Record<string, unknown> {
    return {
        ...read,
        PublishAllPorts: inp.bool("publishAllPorts") ?? false,
        Privileged: inp.bool("privileged") ?? false,
        Tmpfs: inp.strMap("tmpfs"),
        RestartPolicy: { Name: restart, MaximumRetryCount: inp.num("maxRetryCount") ?? 0 },
        ReadonlyRootfs: inp.bool("readOnly") ?? false,
        Init: inp.bool("init") ?? false,
        Memory: (inp.num("memory") ?? 0) * MB,
        MemoryReservation: (inp.num("memoryReservation") ?? 0) * MB,
        ShmSize: inp.num("shmSize") !== undefined ? inp.num("shmSize")! * MB : undefined,
        CpuShares: inp.num("cpuShares"),
        CpusetCpus: inp.str("cpuSet"),
        CpuPeriod: inp.num("cpuPeriod"),
        CpuQuota: inp.num("cpuQuota"),
        Dns: inp.strs("dns"),
        DnsOptions: inp.strs("dnsOpts"),
        DnsSearch: inp.strs("dnsSearches"),
        SecurityOpt: inp.strs("securityOpts"),
        Sysctls: inp.strMap("sysctls"),
        GroupAdd: inp.strs("groupAdds"),
        NetworkMode: inp.str("networkMode"),
        IpcMode: inp.str("ipcMode"),
        PidMode: inp.str("pidMode"),
    };
}

/** Reads every input of a container; throws for any it does not honour. */
export function readContainer(ctx: BackendContext, where: string, resourceName: string, raw: Record<string, unknown>): ContainerSpec {
    const inp = new Inputs(where, raw);
    const name = inp.str("name") ?? autoName(resourceName);
    const image = inp.str("image") ?? inp.fail("image", "is required");
    const { exposed, bindings } = readPorts(inp);
    const { binds, mounts } = readStorage(inp, ctx);
    const healthcheck = readHealthcheck(inp);
    const { restart, host } = readLimits(inp);
    const networks = readNetworks(inp);
    const uploads = readUploads(inp, ctx.cwd);
    const lifecycle = readLifecycle(inp);
    const body = {
        name,
        Image: image,
        Cmd: inp.strs("command"),
        Entrypoint: inp.strs("entrypoints"),
        Env: inp.strs("envs"),
        Hostname: inp.str("hostname"),
        Domainname: inp.str("domainname"),
        User: inp.str("user"),
        WorkingDir: inp.str("workingDir"),
        Tty: inp.bool("tty") ?? false,
        OpenStdin: inp.bool("stdinOpen") ?? false,
        ExposedPorts: exposed,
        Labels: { ...inp.labels("labels"), [TEST_LABEL]: ctx.testLabel },
        Healthcheck: healthcheck,
        StopSignal: inp.str("stopSignal"),
        StopTimeout: inp.num("stopTimeout"),
        HostConfig: hostConfig(inp, restart, { PortBindings: bindings, Binds: binds, Mounts: mounts, ...host }),
    };
    inp.finish();
    return { name, image, body, networks, uploads, lifecycle };
}

// A live backend for the Pulumi SDK's mock monitor. It stands in for the Pulumi
// engine plus the pulumi-docker and pulumi-command providers (and the engine's
// dynamic-provider host), none of which can be installed here: newResource
// really creates, through dockerode, what the program declares. It is test
// support, not part of the product.
//
// Rules it keeps:
// - An input it does not know makes it throw, naming type, resource and
//   property: configuration is never silently dropped. Empty values
//   (undefined, null, [], {}) and `false` for opt-in flags are ignored.
// - Everything it creates carries the label redis-replication.test=<testLabel>.
// - It records what it made; teardown() removes it in reverse order, as
//   `pulumi destroy` would. Images are kept (removeTestImages() clears them).
//
// Accepted but without effect here (harmless): Image.buildOnPreview (never a
// preview), Container.mustRun=false, Container.containerReadRefreshTimeoutMilliseconds,
// Container.uploads[].sourceHash (a replace trigger), Command.triggers and
// Command.update (only matter on update), Command.logging.

import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import { spawn } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import Docker from "dockerode";
import { dockerClient, dockerUnavailableReason, TEST_LABEL } from "./base/build";
import { packTar } from "./base/tar";
import { buildFromDirectory } from "./baseImage";
import { loadSerializedProvider } from "./loadSerialized";
import { DYNAMIC_PREFIX, unwrapSecrets } from "./mocks";

export { TEST_LABEL } from "./base/build";
export { promiseOf } from "./mocks";

/** One object the backend made. */
export interface Created {
    /** Pulumi type token. */
    type: string;
    /** Pulumi resource name. */
    name: string;
    /** Physical id (container/network id, volume/image name, command id). */
    id: string;
}

/** Options of createLiveBackend. */
export interface LiveBackendOptions {
    /** Value of the label redis-replication.test on everything created. */
    testLabel: string;
    /** Stands in for retainOnDelete (the mock gets no resource options): volumes it selects survive teardown and are listed in `retained`. */
    retain?: (name: string, type: string) => boolean;
    /** Directory relative Image build paths resolve against, as the program's cwd. Default process.cwd(). */
    cwd?: string;
    /** How long teardown waits for operations still in flight. Default 60 s. */
    settleTimeoutMs?: number;
}

/** The backend: hand `mocks` to pulumi.runtime.setMocks. */
export interface LiveBackend {
    /** For pulumi.runtime.setMocks. */
    mocks: pulumi.runtime.Mocks;
    /** What was made, in order. */
    created: Created[];
    /** Volumes kept by `retain` at teardown; the caller removes them. */
    retained: Created[];
    /** Removes what was made, newest first; safe after a failure and to call twice. */
    teardown(): Promise<void>;
}

// ---------------------------------------------------------------- inputs

function isEmpty(v: unknown): boolean {
    if (v === undefined || v === null) return true;
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === "object") return Object.keys(v as object).length === 0;
    return false;
}

/** Reads an input object; finish() throws for any non-empty property nobody read. */
class Inputs {
    private readonly used = new Set<string>();

    constructor(
        private readonly where: string,
        private readonly obj: Record<string, unknown>,
        private readonly prefix = "",
    ) {}

    fail(key: string, msg: string): never {
        throw new Error(`${this.where}: input ${this.prefix}${key} ${msg}`);
    }

    private get(key: string): unknown {
        this.used.add(key);
        const v = this.obj[key];
        return isEmpty(v) ? undefined : v;
    }

    str(key: string): string | undefined {
        const v = this.get(key);
        if (v !== undefined && typeof v !== "string") this.fail(key, `must be a string, got ${JSON.stringify(v)}`);
        return v as string | undefined;
    }

    num(key: string): number | undefined {
        const v = this.get(key);
        if (v !== undefined && typeof v !== "number") this.fail(key, `must be a number, got ${JSON.stringify(v)}`);
        return v as number | undefined;
    }

    bool(key: string): boolean | undefined {
        const v = this.get(key);
        if (v !== undefined && typeof v !== "boolean") this.fail(key, `must be a boolean, got ${JSON.stringify(v)}`);
        return v as boolean | undefined;
    }

    strs(key: string): string[] | undefined {
        const v = this.get(key);
        if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
            this.fail(key, `must be a list of strings, got ${JSON.stringify(v)}`);
        }
        return v as string[] | undefined;
    }

    strMap(key: string): Record<string, string> | undefined {
        const v = this.get(key);
        if (v === undefined) return undefined;
        if (typeof v !== "object" || Array.isArray(v) || Object.values(v as object).some((x) => typeof x !== "string")) {
            this.fail(key, `must be a map of strings, got ${JSON.stringify(v)}`);
        }
        return v as Record<string, string>;
    }

    any(key: string): unknown {
        return this.get(key);
    }

    nested(key: string): Inputs | undefined {
        const v = this.get(key);
        if (v === undefined) return undefined;
        if (typeof v !== "object" || Array.isArray(v)) this.fail(key, `must be an object, got ${JSON.stringify(v)}`);
        return new Inputs(this.where, v as Record<string, unknown>, `${this.prefix}${key}.`);
    }

    objs(key: string): Inputs[] {
        const v = this.get(key);
        if (v === undefined) return [];
        if (!Array.isArray(v)) this.fail(key, `must be a list, got ${JSON.stringify(v)}`);
        return v.map((item, i) => {
            if (item === null || typeof item !== "object" || Array.isArray(item)) {
                this.fail(`${key}[${i}]`, `must be an object, got ${JSON.stringify(item)}`);
            }
            return new Inputs(this.where, item as Record<string, unknown>, `${this.prefix}${key}[${i}].`);
        });
    }

    /** Labels [{label, value}] as a map. */
    labels(key: string): Record<string, string> {
        const out: Record<string, string> = {};
        for (const l of this.objs(key)) {
            const label = l.str("label") ?? l.fail("label", "is required");
            const value = l.str("value") ?? "";
            l.finish();
            if (label === TEST_LABEL) this.fail(key, `must not set ${TEST_LABEL}: the live backend owns that label`);
            out[label] = value;
        }
        return out;
    }

    /** Accepted, with no effect here (documented at the top of this file). */
    harmless(...keys: string[]): void {
        for (const k of keys) this.used.add(k);
    }

    /** A flag this backend can't honour: fine when false or unset. */
    notTrue(key: string, why: string): void {
        if (this.bool(key) === true) this.fail(key, `= true is not supported by the live backend: ${why}`);
    }

    finish(): void {
        for (const [k, v] of Object.entries(this.obj)) {
            if (!this.used.has(k) && !isEmpty(v)) {
                this.fail(k, `is not supported by the live backend (it would be silently dropped); value ${JSON.stringify(v)}`);
            }
        }
    }
}

// ---------------------------------------------------------------- helpers

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

function autoName(name: string): string {
    // Pulumi's autonaming: logical name plus a random suffix.
    return `${name}-${crypto.randomBytes(4).toString("hex").slice(0, 7)}`;
}

function statusCode(err: unknown): number | undefined {
    return (err as { statusCode?: number }).statusCode;
}

async function sleep(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
}

async function logTail(c: Docker.Container): Promise<string> {
    try {
        const buf = (await c.logs({ stdout: true, stderr: true, tail: 20 })) as unknown as Buffer;
        // Strip the 8-byte multiplexing headers of non-TTY logs.
        const out: string[] = [];
        for (let i = 0; i + 8 <= buf.length;) {
            const len = buf.readUInt32BE(i + 4);
            out.push(buf.subarray(i + 8, i + 8 + len).toString("utf8"));
            i += 8 + len;
        }
        return out.join("").trimEnd();
    } catch {
        return "(no logs)";
    }
}

interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

function run(argv: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv; stdin?: string }): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), {
            cwd: opts.cwd,
            env: opts.env,
            stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        if (child.stdin) {
            child.stdin.on("error", () => undefined); // EPIPE: the command didn't read its stdin
            child.stdin.end(opts.stdin);
        }
    });
}

// ---------------------------------------------------------------- the backend

interface Undo {
    record: Created;
    undo: () => Promise<void>;
}

export function createLiveBackend(opts: LiveBackendOptions): LiveBackend {
    const docker = dockerClient();
    const label = opts.testLabel;
    const cwd = opts.cwd ?? process.cwd();
    const created: Created[] = [];
    const retained: Created[] = [];
    const undos: Undo[] = [];
    const pending = new Set<Promise<unknown>>();
    let closed = false;

    const record = (type: string, name: string, id: string, undo: () => Promise<void>): void => {
        const rec = { type, name, id };
        created.push(rec);
        undos.push({ record: rec, undo });
    };

    // ------------------------------------------------------------ docker:index/image:Image
    async function image(where: string, name: string, raw: Record<string, unknown>): Promise<pulumi.runtime.MockResourceResult> {
        const inp = new Inputs(where, raw);
        const imageName = inp.str("imageName") ?? inp.fail("imageName", "is required");
        if (inp.bool("skipPush") !== true) {
            inp.fail("skipPush", "must be true: pushing needs a registry and there is none here");
        }
        inp.harmless("buildOnPreview");
        if (inp.nested("registry")) inp.fail("registry", "is not supported by the live backend (no registry here)");
        const b = inp.nested("build") ?? inp.fail("build", "is required (no registry to pull from)");
        const context = b.str("context") ?? ".";
        const dockerfile = b.str("dockerfile") ?? path.posix.join(context, "Dockerfile");
        const builder = b.str("builderVersion");
        if (builder !== "BuilderV1") {
            b.fail(
                "builderVersion",
                `must be "BuilderV1": unset means BuildKit, which this backend can't drive (no buildx or BuildKit session here) (got ${JSON.stringify(builder)})`,
            );
        }
        const buildArgs = b.strMap("args");
        const platform = b.str("platform");
        const target = b.str("target");
        const cacheFrom = b.nested("cacheFrom");
        if (cacheFrom) {
            const images = cacheFrom.strs("images");
            cacheFrom.finish();
            if (images) b.fail("cacheFrom.images", "is not supported by the live backend (no registry to pull caches from)");
        }
        b.finish();
        inp.finish();

        // pulumi-docker resolves both paths against the program's cwd (filepath.Abs).
        const dockerfileAbs = path.resolve(cwd, dockerfile);
        if (!fs.existsSync(dockerfileAbs) && fs.existsSync(path.resolve(cwd, context, dockerfile))) {
            b.fail(
                "dockerfile",
                `${dockerfile} does not exist relative to the program's cwd (${cwd}); pulumi-docker resolves it there, not inside the context`,
            );
        }
        const { imageId, relDockerfile } = await buildFromDirectory({
            context: path.resolve(cwd, context),
            dockerfile: dockerfileAbs,
            tag: imageName,
            buildArgs,
            labels: { [TEST_LABEL]: label },
            platform,
            target,
        });
        record("docker:index/image:Image", name, imageName, async () => {
            /* images are kept; removeTestImages() clears them */
        });
        return {
            id: imageName,
            state: {
                ...raw,
                imageName,
                baseImageName: imageName,
                context,
                dockerfile: relDockerfile,
                platform,
                registryServer: "",
                repoDigest: imageId,
            },
        };
    }

    // ------------------------------------------------------------ docker:index/network:Network
    async function network(where: string, name: string, raw: Record<string, unknown>): Promise<pulumi.runtime.MockResourceResult> {
        const inp = new Inputs(where, raw);
        const netName = inp.str("name") ?? autoName(name);
        const ipam = inp.objs("ipamConfigs").map((c) => {
            const cfg = {
                Subnet: c.str("subnet"),
                Gateway: c.str("gateway"),
                IPRange: c.str("ipRange"),
                AuxiliaryAddresses: c.strMap("auxAddress"),
            };
            c.finish();
            return cfg;
        });
        const body = {
            Name: netName,
            CheckDuplicate: true,
            Driver: inp.str("driver") ?? "bridge",
            Internal: inp.bool("internal") ?? false,
            Attachable: inp.bool("attachable") ?? false,
            EnableIPv6: inp.bool("ipv6") ?? false,
            IPAM: { Driver: inp.str("ipamDriver") ?? "default", Config: ipam, Options: inp.strMap("ipamOptions") },
            Options: inp.strMap("options"),
            Labels: { ...inp.labels("labels"), [TEST_LABEL]: label },
        };
        inp.notTrue("ingress", "swarm ingress networks need swarm mode");
        inp.finish();
        const net = await docker.createNetwork(body);
        record("docker:index/network:Network", name, net.id, async () => {
            try {
                await docker.getNetwork(net.id).remove();
            } catch (err) {
                if (statusCode(err) !== 404) throw err;
            }
        });
        const info = (await net.inspect()) as Docker.NetworkInspectInfo;
        return {
            id: net.id,
            state: {
                ...raw,
                name: info.Name,
                driver: info.Driver,
                scope: info.Scope,
                internal: info.Internal,
                ipamDriver: info.IPAM?.Driver,
                ipamConfigs: (info.IPAM?.Config ?? []).map((c) => ({
                    subnet: c.Subnet,
                    gateway: c.Gateway,
                    ipRange: c.IPRange,
                    auxAddress: c.AuxiliaryAddresses,
                })),
                options: info.Options,
            },
        };
    }

    // ------------------------------------------------------------ docker:index/volume:Volume
    async function volume(where: string, name: string, raw: Record<string, unknown>): Promise<pulumi.runtime.MockResourceResult> {
        const inp = new Inputs(where, raw);
        const body = {
            Name: inp.str("name") ?? autoName(name),
            Driver: inp.str("driver") ?? "local",
            DriverOpts: inp.strMap("driverOpts") ?? {},
            Labels: { ...inp.labels("labels"), [TEST_LABEL]: label },
        };
        if (inp.nested("cluster")) inp.fail("cluster", "is not supported by the live backend (cluster volumes need swarm)");
        inp.finish();
        const vol = (await (await docker.createVolume(body)).inspect()) as Docker.VolumeInspectInfo;
        const type = "docker:index/volume:Volume";
        record(type, name, vol.Name, async () => {
            if (opts.retain?.(name, type)) {
                retained.push({ type, name, id: vol.Name });
                return;
            }
            try {
                await docker.getVolume(vol.Name).remove();
            } catch (err) {
                if (statusCode(err) !== 404) throw err;
            }
        });
        return { id: vol.Name, state: { ...raw, name: vol.Name, driver: vol.Driver, mountpoint: vol.Mountpoint } };
    }

    // ------------------------------------------------------------ docker:index/container:Container
    async function container(where: string, name: string, raw: Record<string, unknown>): Promise<pulumi.runtime.MockResourceResult> {
        const inp = new Inputs(where, raw);
        const MB = 1024 * 1024;
        const containerName = inp.str("name") ?? autoName(name);
        const imageRef = inp.str("image") ?? inp.fail("image", "is required");

        // Ports: the real provider exposes and binds each one.
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

        const binds: string[] = [];
        const knownVolumes = new Set(created.filter((c) => c.type === "docker:index/volume:Volume").map((c) => c.id));
        const requireVolume = (v: Inputs, key: string, vol: string): void => {
            // Docker would silently create an unlabelled, unmanaged volume for an unknown name.
            if (!knownVolumes.has(vol)) v.fail(key, `names volume "${vol}", which no docker.Volume of this program created`);
        };
        for (const v of inp.objs("volumes")) {
            const target = v.str("containerPath") ?? v.fail("containerPath", "is required");
            const volumeName = v.str("volumeName");
            const hostPath = v.str("hostPath");
            if ((volumeName === undefined) === (hostPath === undefined)) v.fail("volumeName", "or hostPath: exactly one is required");
            if (volumeName !== undefined) requireVolume(v, "volumeName", volumeName);
            binds.push(`${volumeName ?? hostPath}:${target}${v.bool("readOnly") ? ":ro" : ""}`);
            v.finish();
        }
        const mounts = inp.objs("mounts").map((m) => {
            const type = m.str("type") ?? m.fail("type", "is required");
            const mount: Record<string, unknown> = {
                Type: type,
                Source: m.str("source"),
                Target: m.str("target") ?? m.fail("target", "is required"),
                ReadOnly: m.bool("readOnly") ?? false,
            };
            if (type === "volume" && mount.Source !== undefined) requireVolume(m, "source", mount.Source as string);
            const bo = m.nested("bindOptions");
            if (bo) {
                mount.BindOptions = { Propagation: bo.str("propagation") };
                bo.finish();
            }
            const to = m.nested("tmpfsOptions");
            if (to) {
                mount.TmpfsOptions = { SizeBytes: to.num("sizeBytes"), Mode: to.num("mode") };
                to.finish();
            }
            const vo = m.nested("volumeOptions");
            if (vo) {
                mount.VolumeOptions = { NoCopy: vo.bool("noCopy") ?? false };
                vo.finish();
            }
            m.finish();
            return mount;
        });

        const hc = inp.nested("healthcheck");
        let healthcheck: Record<string, unknown> | undefined;
        if (hc) {
            const dur = (k: string): number | undefined => {
                const s = hc.str(k);
                try {
                    return s === undefined ? undefined : parseGoDuration(s);
                } catch (err) {
                    return hc.fail(k, (err as Error).message);
                }
            };
            healthcheck = {
                Test: hc.strs("tests") ?? hc.fail("tests", "is required"),
                Interval: dur("interval"),
                Timeout: dur("timeout"),
                StartPeriod: dur("startPeriod"),
                StartInterval: dur("startInterval"),
                Retries: hc.num("retries"),
            };
            hc.finish();
        }

        const restart = inp.str("restart") ?? "no";
        if (!["no", "on-failure", "always", "unless-stopped"].includes(restart)) {
            inp.fail("restart", `must be no|on-failure|always|unless-stopped, got ${restart}`);
        }
        const cpus = inp.str("cpus");
        if (cpus !== undefined && !/^\d+(\.\d+)?$/.test(cpus)) inp.fail("cpus", `must be a decimal number like "0.5", got ${cpus}`);
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

        const networks = inp.objs("networksAdvanced").map((n) => {
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

        // Uploads are read now so a bad one fails before anything exists.
        const uploads = inp.objs("uploads").map((u) => {
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
            const id = (k: string): number | undefined => {
                const s = u.str(k);
                if (s === undefined) return undefined;
                if (!/^\d+$/.test(s)) u.fail(k, `must be a numeric id here (names can't be resolved outside the container), got ${s}`);
                return Number(s);
            };
            const uid = id("owner");
            const gid = id("group");
            u.harmless("sourceHash");
            u.finish();
            return { file, data, mode, uid, gid };
        });

        const start = inp.bool("start") ?? true;
        const mustRun = inp.bool("mustRun") ?? true;
        const wait = inp.bool("wait") ?? false;
        const waitTimeout = inp.num("waitTimeout") ?? 60;
        const destroyGrace = inp.num("destroyGraceSeconds");
        const removeVolumes = inp.bool("removeVolumes") ?? true;
        inp.notTrue("attach", "it would block until the container exits");
        inp.notTrue("logs", "needs attach");
        inp.notTrue("rm", "auto-removal would race teardown");
        inp.harmless("containerReadRefreshTimeoutMilliseconds");

        const body = {
            name: containerName,
            Image: imageRef,
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
            Labels: { ...inp.labels("labels"), [TEST_LABEL]: label },
            Healthcheck: healthcheck,
            StopSignal: inp.str("stopSignal"),
            StopTimeout: inp.num("stopTimeout"),
            HostConfig: {
                PortBindings: bindings,
                PublishAllPorts: inp.bool("publishAllPorts") ?? false,
                Privileged: inp.bool("privileged") ?? false,
                Binds: binds,
                Mounts: mounts,
                Tmpfs: inp.strMap("tmpfs"),
                RestartPolicy: { Name: restart, MaximumRetryCount: inp.num("maxRetryCount") ?? 0 },
                ReadonlyRootfs: inp.bool("readOnly") ?? false,
                Init: inp.bool("init") ?? false,
                LogConfig:
                    logDriver !== undefined || logOpts !== undefined
                        ? { Type: logDriver ?? "json-file", Config: logOpts ?? {} }
                        : undefined,
                Memory: (inp.num("memory") ?? 0) * MB,
                MemoryReservation: (inp.num("memoryReservation") ?? 0) * MB,
                MemorySwap: memorySwap === undefined ? undefined : memorySwap > 0 ? memorySwap * MB : memorySwap,
                ShmSize: inp.num("shmSize") !== undefined ? inp.num("shmSize")! * MB : undefined,
                NanoCpus: cpus !== undefined ? Math.round(parseFloat(cpus) * 1e9) : undefined,
                CpuShares: inp.num("cpuShares"),
                CpusetCpus: inp.str("cpuSet"),
                CpuPeriod: inp.num("cpuPeriod"),
                CpuQuota: inp.num("cpuQuota"),
                CapAdd: capAdd,
                CapDrop: capDrop,
                ExtraHosts: hosts,
                Ulimits: ulimits,
                Dns: inp.strs("dns"),
                DnsOptions: inp.strs("dnsOpts"),
                DnsSearch: inp.strs("dnsSearches"),
                SecurityOpt: inp.strs("securityOpts"),
                Sysctls: inp.strMap("sysctls"),
                GroupAdd: inp.strs("groupAdds"),
                NetworkMode: inp.str("networkMode"),
                IpcMode: inp.str("ipcMode"),
                PidMode: inp.str("pidMode"),
            },
        };
        inp.finish();

        try {
            await docker.getImage(imageRef).inspect();
        } catch (err) {
            if (statusCode(err) === 404) inp.fail("image", `${imageRef} is not present locally (there is no registry here to pull from)`);
            throw err;
        }

        // Plain Engine API JSON; the typings lag behind (e.g. Healthcheck.StartInterval).
        const c = await docker.createContainer(body as unknown as Docker.ContainerCreateOptions);
        const type = "docker:index/container:Container";
        record(type, name, c.id, async () => {
            try {
                // As the provider: stop with the grace period if one is set, then force-remove.
                if (destroyGrace !== undefined)
                    await c.stop({ t: destroyGrace }).catch((err: unknown) => {
                        if (statusCode(err) !== 304 && statusCode(err) !== 404) throw err;
                    });
                await c.remove({ force: true, v: removeVolumes });
            } catch (err) {
                if (statusCode(err) !== 404) throw err;
            }
        });

        if (networks.length > 0) {
            // As the provider: leave the default bridge, join each network with its endpoint settings.
            await docker
                .getNetwork("bridge")
                .disconnect({ Container: c.id, Force: false })
                .catch(() => undefined);
            for (const n of networks) {
                await docker.getNetwork(n.name).connect({ Container: c.id, EndpointConfig: n.endpoint });
            }
        }

        for (const u of uploads) {
            // The target directory must already exist in the image.
            const tar = packTar([{ name: path.posix.basename(u.file), data: u.data, mode: u.mode, uid: u.uid, gid: u.gid }]);
            try {
                await c.putArchive(tar, { path: path.posix.dirname(u.file) });
            } catch (err) {
                throw new Error(`${where}: upload of ${u.file} failed: ${(err as Error).message}`);
            }
        }

        let info = await c.inspect();
        if (start) {
            await c.start();
            // As the provider's read after create (first look after 100 ms, then up to 15 s):
            // with mustRun the container has to be running.
            await sleep(100);
            const deadline = Date.now() + 15_000;
            for (info = await c.inspect(); mustRun && !info.State.Running && Date.now() < deadline; info = await c.inspect()) {
                if (info.State.Status === "exited" || info.State.Status === "dead") break;
                await sleep(100);
            }
            if (mustRun && !info.State.Running) {
                throw new Error(
                    `${where}: container ${containerName} is not running (status ${info.State.Status}, exit code ${info.State.ExitCode})\n${await logTail(c)}`,
                );
            }
            if (wait) {
                if (!info.State.Health) inp.fail("wait", "= true needs a healthcheck (in the image or the healthcheck input)");
                const waitDeadline = Date.now() + waitTimeout * 1000;
                while (info.State.Health?.Status !== "healthy") {
                    if (!info.State.Running) {
                        throw new Error(`${where}: container ${containerName} stopped while waiting for healthy\n${await logTail(c)}`);
                    }
                    if (Date.now() > waitDeadline) {
                        const last = info.State.Health?.Log?.at(-1);
                        throw new Error(
                            `${where}: container ${containerName} not healthy after ${waitTimeout}s (status ${info.State.Health?.Status}; last probe: ${last?.ExitCode} ${last?.Output?.trim()})`,
                        );
                    }
                    await sleep(200);
                    info = await c.inspect();
                }
            }
        }

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
        const ports = Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([key, binds]) =>
            (binds ?? []).map((bnd) => {
                const [internal, protocol] = key.split("/");
                return { internal: Number(internal), external: Number(bnd.HostPort), ip: bnd.HostIp, protocol };
            }),
        );
        return {
            id: c.id,
            state: {
                ...raw,
                name: containerName,
                image: imageRef,
                hostname: info.Config.Hostname,
                networkDatas,
                ports: ports.length > 0 ? ports : raw.ports,
                exitCode: info.State.Running ? undefined : info.State.ExitCode,
                bridge: (info.NetworkSettings as { Bridge?: string }).Bridge ?? "",
            },
        };
    }

    // ------------------------------------------------------------ command:local:Command
    async function command(where: string, name: string, raw: Record<string, unknown>): Promise<pulumi.runtime.MockResourceResult> {
        const inp = new Inputs(where, raw);
        const create = inp.str("create");
        const del = inp.str("delete");
        const env = { ...process.env, ...(inp.strMap("environment") ?? {}) };
        const dir = inp.str("dir") ?? cwd;
        const interpreter = inp.strs("interpreter") ?? ["/bin/sh", "-c"];
        const stdin = inp.str("stdin");
        const addPrevious = inp.bool("addPreviousOutputInEnv") ?? true;
        inp.harmless("triggers", "update", "logging");
        inp.finish();
        let stdout = "";
        let stderr = "";
        if (create !== undefined) {
            const res = await run([...interpreter, create], { cwd: dir, env, stdin });
            // pulumi-command trims one trailing newline from each stream.
            stdout = res.stdout.replace(/\n$/, "");
            stderr = res.stderr.replace(/\n$/, "");
            if (res.code !== 0) throw new Error(`${where}: create exited ${res.code}\nstdout: ${stdout}\nstderr: ${stderr}`);
        }
        const id = autoName(name);
        record("command:local:Command", name, id, async () => {
            if (del === undefined) return;
            const delEnv = addPrevious ? { ...env, PULUMI_COMMAND_STDOUT: stdout, PULUMI_COMMAND_STDERR: stderr } : env;
            const res = await run([...interpreter, del], { cwd: dir, env: delEnv, stdin });
            if (res.code !== 0) throw new Error(`${where}: delete exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
        });
        return { id, state: { ...raw, stdout, stderr } };
    }

    // ------------------------------------------------------------ pulumi-nodejs:dynamic
    async function dynamic(
        where: string,
        type: string,
        name: string,
        raw: Record<string, unknown>,
    ): Promise<pulumi.runtime.MockResourceResult> {
        const text = raw.__provider;
        if (typeof text !== "string") throw new Error(`${where}: no serialized __provider in the inputs`);
        const provider = await loadSerializedProvider(text); // also runs configure, as the host does
        // As the engine: check(olds={}, news), then create(checked inputs), both with __provider.
        let inputs: Record<string, unknown> = raw;
        if (provider.check) {
            const res = await provider.check({}, raw);
            if (res.failures && res.failures.length > 0) {
                throw new Error(`${where}: check failed: ${res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
            }
            inputs = { ...(res.inputs ?? raw), __provider: text };
        }
        const res = await provider.create(inputs);
        // As the engine: the resource's outputs are the provider's outs (plus __provider), not its inputs.
        const state = { ...(res.outs ?? {}), __provider: text };
        record(type, name, res.id, async () => {
            if (provider.delete) await provider.delete(res.id, state);
        });
        return { id: res.id, state };
    }

    // ------------------------------------------------------------ dispatch
    async function handle(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
        const where = `live backend: ${args.type} "${args.name}"`;
        if (!args.custom) return { id: undefined, state: args.inputs }; // component resources: nothing to make
        if (args.id) throw new Error(`${where}: reading or importing an existing resource (id ${args.id}) is not supported`);
        const raw = unwrapSecrets(args.inputs ?? {}) as Record<string, unknown>;
        switch (args.type) {
            case "docker:index/image:Image":
                return image(where, args.name, raw);
            case "docker:index/network:Network":
                return network(where, args.name, raw);
            case "docker:index/volume:Volume":
                return volume(where, args.name, raw);
            case "docker:index/container:Container":
                return container(where, args.name, raw);
            case "command:local:Command":
                return command(where, args.name, raw);
            default:
                if (args.type.startsWith(DYNAMIC_PREFIX)) return dynamic(where, args.type, args.name, raw);
                throw new Error(`${where}: resource type ${args.type} is not supported by the live backend`);
        }
    }

    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            if (closed) {
                return Promise.reject(new Error(`live backend: ${args.type} "${args.name}" registered after teardown`));
            }
            const p = handle(args);
            pending.add(p);
            const untrack = (): void => void pending.delete(p);
            p.then(untrack, untrack);
            return p;
        },
        async call(args) {
            if (args.token === "docker:index/getNetwork:getNetwork") {
                const info = (await docker.getNetwork(String(args.inputs.name)).inspect()) as Docker.NetworkInspectInfo;
                return {
                    id: info.Id,
                    name: info.Name,
                    driver: info.Driver,
                    internal: info.Internal,
                    scope: info.Scope,
                    options: info.Options ?? {},
                    ipamConfigs: (info.IPAM?.Config ?? []).map((c) => ({
                        subnet: c.Subnet,
                        gateway: c.Gateway,
                        ipRange: c.IPRange,
                        auxAddress: c.AuxiliaryAddresses,
                    })),
                    containers: [],
                };
            }
            return args.inputs;
        },
    };

    async function teardown(): Promise<void> {
        closed = true;
        // Let operations in flight finish (or fail), so what they made is recorded and removed too.
        const settle = Promise.allSettled([...pending]);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((r) => (timer = setTimeout(r, opts.settleTimeoutMs ?? 60_000)));
        await Promise.race([settle, timeout]);
        clearTimeout(timer);
        const errors: Error[] = [];
        while (undos.length > 0) {
            const u = undos.pop()!;
            try {
                await u.undo();
            } catch (err) {
                errors.push(new Error(`teardown of ${u.record.type} "${u.record.name}" (${u.record.id}): ${(err as Error).message}`));
            }
        }
        if (errors.length > 0) {
            // The first failure leads; the rest follow.
            throw new Error(errors.map((e) => e.message).join("\n"));
        }
    }

    return { mocks, created, retained, teardown };
}

// ---------------------------------------------------------------- leftovers

/** Everything still carrying redis-replication.test=<testLabel>: containers (incl. stopped), networks, volumes. */
export async function listLeftovers(testLabel: string): Promise<string[]> {
    const docker = dockerClient();
    const filters = JSON.stringify({ label: [`${TEST_LABEL}=${testLabel}`] });
    const [containers, networks, volumes] = await Promise.all([
        docker.listContainers({ all: true, filters }),
        docker.listNetworks({ filters }),
        docker.listVolumes({ filters }),
    ]);
    return [
        ...containers.map((c) => `container ${c.Names.join(",")} (${c.State})`),
        ...networks.map((n) => `network ${n.Name}`),
        ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
    ];
}

/** Force-removes containers, networks and volumes with the label (stale ones from a crashed run); returns what it removed. */
export async function removeLeftovers(testLabel: string): Promise<string[]> {
    const docker = dockerClient();
    const filters = JSON.stringify({ label: [`${TEST_LABEL}=${testLabel}`] });
    const removed: string[] = [];
    const ignore404 = (err: unknown): void => {
        if (statusCode(err) !== 404) throw err;
    };
    for (const c of await docker.listContainers({ all: true, filters })) {
        await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignore404);
        removed.push(`container ${c.Names.join(",")}`);
    }
    for (const n of await docker.listNetworks({ filters })) {
        await docker.getNetwork(n.Id).remove().catch(ignore404);
        removed.push(`network ${n.Name}`);
    }
    for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
        await docker.getVolume(v.Name).remove().catch(ignore404);
        removed.push(`volume ${v.Name}`);
    }
    return removed;
}

/** Throws listing whatever still carries the label. */
export async function assertNothingLeft(testLabel: string): Promise<void> {
    const left = await listLeftovers(testLabel);
    if (left.length > 0) throw new Error(`left behind with ${TEST_LABEL}=${testLabel}: ${left.join("; ")}`);
}

// ---------------------------------------------------------------- suite hooks

/** For a `before` hook: skips (or in CI fails) the calling suite when no Docker engine answers. */
export async function requireDocker(ctx: Mocha.Context): Promise<void> {
    const reason = await dockerUnavailableReason();
    if (reason === undefined) return;
    if (process.env.CI === "true") throw new Error(`docker tier cannot run in CI: ${reason}`);
    console.log(`    docker tier skipped: ${reason}`);
    ctx.skip();
}

/** Removes what a crashed earlier run left with the label, saying what it removed. */
export async function clearStale(testLabel: string): Promise<void> {
    const stale = await removeLeftovers(testLabel);
    if (stale.length > 0) console.log(`    removed leftovers of an earlier run: ${stale.join("; ")}`);
}

/**
 * For an `after` hook: `pulumi destroy` of the backend, then clears whatever still carries the label
 * (even when failing: never left for the next run) and removes `images`. Throws the teardown's
 * error, or fails when the teardown left anything behind.
 */
export async function teardownAndVerify(backend: LiveBackend, testLabel: string, images: string[] = []): Promise<void> {
    let teardownError: unknown;
    try {
        await backend.teardown();
    } catch (err) {
        teardownError = err;
    }
    const left = await listLeftovers(testLabel);
    await removeLeftovers(testLabel);
    for (const tag of images) {
        await dockerClient()
            .getImage(tag)
            .remove()
            .catch(() => undefined);
    }
    if (teardownError !== undefined) throw teardownError;
    assert.deepEqual(left, [], "teardown left objects behind");
    await assertNothingLeft(testLabel);
}

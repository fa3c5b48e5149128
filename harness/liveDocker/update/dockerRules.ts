// The bridged pulumi-docker resources' diff rules, from their Terraform schema:
// kreuzwerker/terraform-provider-docker@5074970c (v4.5.0, the `upstream` submodule of
// pulumi/pulumi-docker), internal/provider/: C = resource_docker_container.go,
// N = resource_docker_network.go, V = resource_docker_volume.go. A property missing here makes
// the update model throw (compare.ts requireRules); add it with its schema line.
import { canonical, RuleTable } from "./compare";

type Obj = Record<string, unknown>;

const forceNew = { effect: "replace" } as const;

function sortedField(key: string): (v: unknown) => unknown {
    return (v) =>
        Array.isArray(v) ? v.map((e: Obj) => ({ ...e, [key]: Array.isArray(e[key]) ? [...(e[key] as string[])].sort() : e[key] })) : v;
}

/** Healthcheck with the schema's defaults: durations "0s", retries 0 (C:1045-1096). */
function healthcheckForm(v: unknown): unknown {
    if (v === undefined || v === null) return v;
    const h = v as Obj;
    const dur = (k: string): unknown => h[k] ?? "0s";
    return {
        tests: h.tests,
        interval: dur("interval"),
        timeout: dur("timeout"),
        startPeriod: dur("startPeriod"),
        startInterval: dur("startInterval"),
        retries: h.retries ?? 0,
    };
}

/**
 * Ports as the provider's DiffSuppressFunc compares them: matched by `internal`, with the defaults
 * ip "0.0.0.0" and protocol "tcp" (C:509-531, C:534, C:1192-1247). `external` is Computed
 * (C:501-507): an absent one matches whatever Docker assigned.
 */
function portsEqual(olds: unknown, news: unknown): boolean {
    const form = (list: unknown, withExternal: (p: Obj) => boolean) =>
        ((Array.isArray(list) ? list : []) as Obj[])
            .map((p) =>
                canonical({
                    internal: p.internal,
                    ip: p.ip || "0.0.0.0",
                    protocol: p.protocol ?? "tcp",
                    external: withExternal(p) ? p.external : undefined,
                }),
            )
            .sort();
    const newList = (Array.isArray(news) ? news : []) as Obj[];
    const externalGiven = new Set(newList.filter((p) => p.external !== undefined).map((p) => p.internal));
    return canonical(form(olds, (p) => externalGiven.has(p.internal))) === canonical(form(news, () => true));
}

/** docker:index/container:Container. The state it is diffed against is the read-back form (container/readBack.ts). */
export const CONTAINER_RULES: RuleTable = {
    name: forceNew, // C:50-55
    image: forceNew, // C:141-146, no DiffSuppressFunc
    hostname: { ...forceNew, computed: true }, // C:148-154
    command: { ...forceNew, computed: true }, // C:163-170
    user: { ...forceNew, computed: true }, // C:181-194: a new "" suppresses the diff; Read stores Config.User (funcs.go:851)
    networksAdvanced: { ...forceNew, set: true, normalize: sortedField("aliases") }, // C:909-941, aliases a set too
    ports: { ...forceNew, equal: portsEqual }, // C:487-535
    volumes: { ...forceNew, set: true }, // C:434-481
    uploads: { ...forceNew, set: true }, // C:987-1043
    labels: { ...forceNew, set: true, computed: true }, // C:833-840, never read back (funcs.go:893-898)
    cpus: { ...forceNew, absent: "" }, // C:1158-1163, Optional, not Computed
    sysctls: forceNew, // C:1105-1110, Optional, not Computed; Read stores HostConfig.Sysctls (funcs.go:972)
    restart: { effect: "update", absent: "no" }, // C:230-236
    memory: { effect: "update", absent: 0 }, // C:842-847
    memorySwap: { effect: "update", absent: 0 }, // C:856-861, Optional, not Computed
    mustRun: { effect: "update", absent: true }, // C:122-127; Update starts it on false→true (funcs.go:998-1013)
    // Accepted and stored, but resourceDockerContainerUpdate applies none of them (funcs.go:991-1077).
    healthcheck: { effect: "state", computed: true, normalize: healthcheckForm }, // C:1045-1096
    start: { effect: "state", absent: true }, // C:72-77
    wait: { effect: "state", absent: false }, // C:79-84
    waitTimeout: { effect: "state", absent: 60 }, // C:86-91
    destroyGraceSeconds: { effect: "state", absent: 0 }, // C:827-831
    removeVolumes: { effect: "state", absent: true }, // C:256-261
    rm: { effect: "state", absent: false }, // C:57-62
    attach: { effect: "state", absent: false }, // C:93-98
    logs: { effect: "state", absent: false }, // C:100-105
};

/** docker:index/network:Network: no UpdateContext, every property ForceNew (N:17-19). */
export const NETWORK_RULES: RuleTable = {
    name: forceNew, // N:25-30
    labels: { ...forceNew, set: true }, // N:32-38
    driver: { ...forceNew, computed: true }, // N:40-46
    options: { ...forceNew, computed: true }, // N:48-54
    internal: { ...forceNew, computed: true }, // N:56-62
    attachable: { ...forceNew, absent: false }, // N:64-69
    ingress: { ...forceNew, absent: false }, // N:71-76
    ipv6: { ...forceNew, absent: false }, // N:78-83
    ipamDriver: { ...forceNew, absent: "default" }, // N:85-90
    ipamOptions: forceNew, // N:92-97
    // Read back by flattenIpamConfigSpec: only non-empty fields (network_structures.go:11-39).
    ipamConfigs: { ...forceNew, set: true, computed: true }, // N:99-137
};

/** docker:index/volume:Volume: Update only touches swarm cluster availability (V:388-427). */
export const VOLUME_RULES: RuleTable = {
    name: { ...forceNew, computed: true }, // V:41-47
    labels: { ...forceNew, set: true }, // V:48-54
    driver: { ...forceNew, computed: true }, // V:55-61
    driverOpts: forceNew, // V:62-67
};

/** The rules of each bridged type. */
export const BRIDGED_RULES: Record<string, RuleTable> = {
    "docker:index/container:Container": CONTAINER_RULES,
    "docker:index/network:Network": NETWORK_RULES,
    "docker:index/volume:Volume": VOLUME_RULES,
};

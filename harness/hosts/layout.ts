// The fixed layout of the simulated Docker hosts: names, addresses and paths, all derived from
// the host's number so that setup and teardown agree without any saved state.

/** One simulated Docker host. */
export interface SimHost {
    name: string; // "h1" ... "h4"
    netns: string; // "rrg-h1"
    address: string; // its address on the bridge, e.g. "10.231.0.11"
    dockerHost: string; // "unix:///run/rrg/h1/docker.sock": a Docker provider's `host` value
}

/** Three carry a group; the fourth is spare, e.g. for a node moved off a lost host. */
export const SIM_HOST_COUNT = 4;

/** The bridge in the root namespace that joins the hosts, and its address there. */
export const BRIDGE = "rrgbr0";
export const BRIDGE_ADDRESS = "10.231.0.1";
export const PREFIX_LENGTH = 24;

/** Parents of every host's data root and run directory. */
export const DATA_BASE = "/var/lib/rrg";
export const RUN_BASE = "/run/rrg";

/** The fixed layout (pure). */
export function simHosts(): SimHost[] {
    return Array.from({ length: SIM_HOST_COUNT }, (_, i) => {
        const name = `h${i + 1}`;
        return { name, netns: `rrg-${name}`, address: `10.231.0.1${i + 1}`, dockerHost: `unix://${RUN_BASE}/${name}/docker.sock` };
    });
}

/** The host's number, 1-based. */
export function hostNumber(host: SimHost): number {
    const n = Number(host.name.slice(1));
    if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`not a simulated host: ${host.name}`);
    return n;
}

/** Where a host's engine keeps its files. */
export interface EnginePaths {
    dataRoot: string;
    runDir: string;
    execRoot: string;
    socket: string;
    pidfile: string;
    log: string;
    config: string;
}

export function enginePaths(host: SimHost): EnginePaths {
    const runDir = `${RUN_BASE}/${host.name}`;
    return {
        dataRoot: `${DATA_BASE}/${host.name}`,
        runDir,
        execRoot: `${runDir}/exec`,
        socket: host.dockerHost.slice("unix://".length),
        pidfile: `${runDir}/dockerd.pid`,
        log: `${runDir}/dockerd.log`,
        config: `${runDir}/daemon.json`,
    };
}

/** The root-namespace end of the host's veth (its peer is eth0 inside the namespace). */
export function vethOf(host: SimHost): string {
    return host.netns;
}

/** Cgroup parent of the host's containers, so that leftovers can be found and removed by name. */
export function cgroupParentOf(host: SimHost): string {
    return host.netns;
}

// What carries a test label after a run: listed, removed, or asserted absent. A crashed run's
// leftovers are cleared by the next run with the same label. Each function looks at the default
// engine, or at every engine in `engines` (a backend's engines(): the program's providers' too).
import type Docker from "dockerode";
import { dockerClient, removeIfPresent, TEST_LABEL } from "../docker";

/** " on <engine>" for an engine other than the default client, so leftovers on several engines are told apart. */
function onEngine(docker: Docker): string {
    if (docker === dockerClient()) return "";
    const m = docker.modem as { socketPath?: string; protocol?: string; host?: string; port?: string | number };
    return ` on ${m.socketPath !== undefined ? `unix://${m.socketPath}` : `${m.protocol ?? "http"}://${m.host}:${m.port}`}`;
}

/** Containers (stopped ones too), networks and volumes with redis-replication.test=<testLabel> (any value when undefined). */
async function labelled(docker: Docker, testLabel: string | undefined) {
    const filters = JSON.stringify({ label: [testLabel === undefined ? TEST_LABEL : `${TEST_LABEL}=${testLabel}`] });
    const [containers, networks, volumes] = await Promise.all([
        docker.listContainers({ all: true, filters }),
        docker.listNetworks({ filters }),
        docker.listVolumes({ filters }),
    ]);
    return { containers, networks, volumes: volumes.Volumes ?? [] };
}

/**
 * Everything still carrying redis-replication.test=<testLabel>: containers (incl. stopped),
 * networks, volumes; on each of `engines` (default: the default engine).
 */
export async function listLeftovers(testLabel: string, engines: Docker[] = [dockerClient()]): Promise<string[]> {
    const left: string[] = [];
    for (const docker of engines) {
        const { containers, networks, volumes } = await labelled(docker, testLabel);
        const on = onEngine(docker);
        left.push(
            ...containers.map((c) => `container ${c.Names.join(",")} (${c.State})${on}`),
            ...networks.map((n) => `network ${n.Name}${on}`),
            ...volumes.map((v) => `volume ${v.Name}${on}`),
        );
    }
    return left;
}

/**
 * Force-removes containers, networks and volumes with the label (stale ones from a crashed run;
 * every test's when `testLabel` is undefined), on each of `engines` (default: the default engine);
 * returns what it removed.
 */
export async function removeLeftovers(testLabel: string | undefined, engines: Docker[] = [dockerClient()]): Promise<string[]> {
    const removed: string[] = [];
    for (const docker of engines) {
        const on = onEngine(docker);
        // Containers first: a network or volume in use can't be removed.
        for (const c of (await labelled(docker, testLabel)).containers) {
            await removeIfPresent(docker.getContainer(c.Id).remove({ force: true, v: true }));
            removed.push(`container ${c.Names.join(",")}${on}`);
        }
        const { networks, volumes } = await labelled(docker, testLabel);
        for (const n of networks) {
            await removeIfPresent(docker.getNetwork(n.Id).remove());
            removed.push(`network ${n.Name}${on}`);
        }
        for (const v of volumes) {
            await removeIfPresent(docker.getVolume(v.Name).remove());
            removed.push(`volume ${v.Name}${on}`);
        }
    }
    return removed;
}

/** Throws listing whatever still carries the label, on each of `engines` (default: the default engine). */
export async function assertNothingLeft(testLabel: string, engines: Docker[] = [dockerClient()]): Promise<void> {
    const left = await listLeftovers(testLabel, engines);
    if (left.length > 0) throw new Error(`left behind with ${TEST_LABEL}=${testLabel}: ${left.join("; ")}`);
}

/** Removes what a crashed earlier run left with the label, saying what it removed; on each of `engines` (default: the default engine). */
export async function clearStale(testLabel: string, engines: Docker[] = [dockerClient()]): Promise<void> {
    const stale = await removeLeftovers(testLabel, engines);
    if (stale.length > 0) console.log(`    removed leftovers of an earlier run: ${stale.join("; ")}`);
}

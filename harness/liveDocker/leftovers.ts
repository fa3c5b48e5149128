// What carries a test label after a run: listed, removed, or asserted absent. A crashed run's
// leftovers are cleared by the next run with the same label.
import { dockerClient, removeIfPresent, TEST_LABEL } from "../docker";

/** Containers (stopped ones too), networks and volumes with redis-replication.test=<testLabel>. */
async function labelled(testLabel: string) {
    const docker = dockerClient();
    const filters = JSON.stringify({ label: [`${TEST_LABEL}=${testLabel}`] });
    const [containers, networks, volumes] = await Promise.all([
        docker.listContainers({ all: true, filters }),
        docker.listNetworks({ filters }),
        docker.listVolumes({ filters }),
    ]);
    return { containers, networks, volumes: volumes.Volumes ?? [] };
}

/** Everything still carrying redis-replication.test=<testLabel>: containers (incl. stopped), networks, volumes. */
export async function listLeftovers(testLabel: string): Promise<string[]> {
    const { containers, networks, volumes } = await labelled(testLabel);
    return [
        ...containers.map((c) => `container ${c.Names.join(",")} (${c.State})`),
        ...networks.map((n) => `network ${n.Name}`),
        ...volumes.map((v) => `volume ${v.Name}`),
    ];
}

/** Force-removes containers, networks and volumes with the label (stale ones from a crashed run); returns what it removed. */
export async function removeLeftovers(testLabel: string): Promise<string[]> {
    const docker = dockerClient();
    const removed: string[] = [];
    // Containers first: a network or volume in use can't be removed.
    for (const c of (await labelled(testLabel)).containers) {
        await removeIfPresent(docker.getContainer(c.Id).remove({ force: true, v: true }));
        removed.push(`container ${c.Names.join(",")}`);
    }
    const { networks, volumes } = await labelled(testLabel);
    for (const n of networks) {
        await removeIfPresent(docker.getNetwork(n.Id).remove());
        removed.push(`network ${n.Name}`);
    }
    for (const v of volumes) {
        await removeIfPresent(docker.getVolume(v.Name).remove());
        removed.push(`volume ${v.Name}`);
    }
    return removed;
}

/** Throws listing whatever still carries the label. */
export async function assertNothingLeft(testLabel: string): Promise<void> {
    const left = await listLeftovers(testLabel);
    if (left.length > 0) throw new Error(`left behind with ${TEST_LABEL}=${testLabel}: ${left.join("; ")}`);
}

/** Removes what a crashed earlier run left with the label, saying what it removed. */
export async function clearStale(testLabel: string): Promise<void> {
    const stale = await removeLeftovers(testLabel);
    if (stale.length > 0) console.log(`    removed leftovers of an earlier run: ${stale.join("; ")}`);
}

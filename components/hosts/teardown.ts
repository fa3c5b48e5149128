// Clearing the group off one Docker host: what its Docker resources' deletes did, done at once
// when the host leaves the group (a destroy, or the host dropped from `hosts`). Serialized with the
// provider (see docs/development.md#serialized-providers).
import { dockerEngine } from "../dockerEngine";
import type { HostTeardownInputs } from "./types";

/** Docker's answer for what is gone already (404) or stopped already (304). */
function alreadyDone(err: unknown): boolean {
    const code = (err as { statusCode?: number } | undefined)?.statusCode;
    return code === 404 || code === 304;
}

/**
 * Stops the group's containers on the host, each with its grace (SIGTERM first: Redis flushes its
 * AOF, a master lets its replicas catch up), removes them, then the group's volumes (unless
 * retained) and network. Returns what it removed, by kind.
 */
export async function tearDownHost(inputs: HostTeardownInputs): Promise<{ containers: number; volumes: number; networks: number }> {
    const docker = dockerEngine(inputs.docker);
    const label = [`redis-replication.group=${inputs.group}`];
    const ignoreDone = (err: unknown) => {
        if (!alreadyDone(err)) throw err;
    };
    const containers = await docker.listContainers({ all: true, filters: { label } });
    await Promise.all(
        containers.map(async (c) => {
            const container = docker.getContainer(c.Id);
            await container.stop({ t: inputs.graceSeconds }).catch(ignoreDone);
            await container.remove({ v: false }).catch(ignoreDone);
        }),
    );
    const volumes = inputs.retainVolumes ? [] : ((await docker.listVolumes({ filters: { label } })).Volumes ?? []);
    await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(ignoreDone)));
    const networks = await docker.listNetworks({ filters: { label } });
    for (const n of networks) await docker.getNetwork(n.Id).remove().catch(ignoreDone);
    return { containers: containers.length, volumes: volumes.length, networks: networks.length };
}

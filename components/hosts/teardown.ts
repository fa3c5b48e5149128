// Clearing the group off one Docker host: what its Docker resources' deletes did, done at once
// when the host leaves the group (a destroy, or the host dropped from `hosts`). Serialized with the
// provider (see docs/development.md#serialized-providers).
import type Docker from "dockerode";
import { dockerEngine } from "../dockerEngine";
import type { HostTeardownInputs } from "./types";

/** How often SIGTERM is sent again to a container that still runs. */
const RESIGNAL_MS = 500;

/** Docker's answer for what is gone already (404) or stopped already (304). */
function alreadyDone(err: unknown): boolean {
    const code = (err as { statusCode?: number } | undefined)?.statusCode;
    return code === 404 || code === 304;
}

/**
 * Stops a container as `docker stop` does (SIGTERM, then SIGKILL once the grace is over), but sends
 * SIGTERM again every RESIGNAL_MS while it runs. A replica writing its first AOF after its first
 * sync refuses a SIGTERM and forgets it (redis 7.0.15 src/server.c:4227-4233, 4305-4307), so with
 * one signal Docker would wait out the whole grace and kill it; a later one shuts it down cleanly.
 * Docker counts a container stopped this way as stopped by hand: its restart policy leaves it be.
 */
async function stopCleanly(container: Docker.Container, graceSeconds: number): Promise<void> {
    // A kill of a container that runs no more (409) or is gone (404) has nothing to do.
    const signal = (name: string) =>
        container.kill({ signal: name }).catch((err: unknown) => {
            if (!alreadyDone(err) && (err as { statusCode?: number }).statusCode !== 409) throw err;
        });
    let running = true;
    const exited = container.wait({ condition: "not-running" }).then(
        () => (running = false),
        () => (running = false),
    );
    const deadline = Date.now() + graceSeconds * 1000;
    while (running && Date.now() < deadline) {
        await signal("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, Math.min(RESIGNAL_MS, Math.max(0, deadline - Date.now()))))]);
    }
    if (running) await signal("SIGKILL");
    await exited;
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
            await stopCleanly(container, inputs.graceSeconds);
            await container.remove({ v: false }).catch(ignoreDone);
        }),
    );
    const volumes = inputs.retainVolumes ? [] : ((await docker.listVolumes({ filters: { label } })).Volumes ?? []);
    await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(ignoreDone)));
    const networks = await docker.listNetworks({ filters: { label } });
    for (const n of networks) await docker.getNetwork(n.Id).remove().catch(ignoreDone);
    return { containers: containers.length, volumes: volumes.length, networks: networks.length };
}

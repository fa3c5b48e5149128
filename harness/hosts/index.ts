// Four simulated Docker hosts on this one machine, for tests and benchmarks: network namespaces
// joined by a bridge, one dockerd in each. Everything made is named rrg… and removed by
// removeSimHosts(), which needs no state from startSimHosts() and works after a failure.
import * as fs from "fs";
import type Docker from "dockerode";
import { dockerClient, statusCode } from "../docker";
import { pollUntil } from "../poll";
import { killQuietly, removeCgroups, removeDirectories, shimSockets, unmountAll } from "./cleanup";
import { dockerdPids, engineAnswers, signalEngine, simHostClient, startEngine } from "./engine";
import { SimHost, simHosts } from "./layout";
import { netnsPids, setUpNetwork, tearDownNetwork } from "./net";

export { SIM_HOST_COUNT, simHosts } from "./layout";
export type { SimHost } from "./layout";
export { simHostClient, startEngine, stopEngine } from "./engine";

const TERM_TIMEOUT_MS = 45_000;
const KILL_TIMEOUT_MS = 10_000;

/** Whether every simulated host's engine answers already (then whoever started them removes them). */
export async function simHostsAnswer(): Promise<boolean> {
    return (await Promise.all(simHosts().map(engineAnswers))).every(Boolean);
}

/** Makes what is missing of the network, starts each dockerd that does not answer, and waits for all. */
export async function startSimHosts(): Promise<SimHost[]> {
    const hosts = simHosts();
    await setUpNetwork(hosts);
    await Promise.all(hosts.map(async (h) => ((await engineAnswers(h)) ? undefined : startEngine(h))));
    return hosts;
}

/** Stops and removes everything of the simulated hosts that exists; idempotent. */
export async function removeSimHosts(): Promise<void> {
    const hosts = simHosts();
    const errors: Error[] = [];
    const attempt = async (what: string, step: () => unknown) => {
        try {
            await step();
        } catch (err) {
            errors.push(new Error(`${what}: ${(err as Error).message}`));
        }
    };
    await Promise.all(hosts.map((h) => attempt(`stop ${h.name}`, () => stopForGood(h))));
    for (const h of hosts) await attempt(`cgroups of ${h.name}`, () => removeCgroups(h));
    // Nothing may be deleted under a mount that stays (rm would reach into it).
    let unmounted = false;
    await attempt("unmount", async () => {
        await unmountAll();
        unmounted = true;
    });
    if (unmounted) await attempt("remove directories", removeDirectories);
    errors.push(...(await tearDownNetwork(hosts)));
    if (errors.length > 0) throw new Error(`removeSimHosts: ${errors.map((e) => e.message).join("; ")}`);
}

/**
 * A power cut: the host's dockerd and every process in its namespace (shims, containers) killed
 * at once, with no chance to stop cleanly. startEngine() brings the engine back.
 */
export async function powerCut(host: SimHost): Promise<void> {
    for (const pid of dockerdPids(host)) killQuietly(pid, "SIGKILL");
    await pollUntil(`everything in ${host.netns} to die`, KILL_TIMEOUT_MS, async () => {
        const pids = [...dockerdPids(host), ...(await netnsPids(host.netns))];
        for (const pid of pids) killQuietly(pid, "SIGKILL");
        return pids.length === 0;
    });
    await removeCgroups(host);
}

/** dockerd SIGTERM then SIGKILL, then whatever still runs in the namespace, then its stale sockets. */
async function stopForGood(host: SimHost): Promise<void> {
    const sockets = await shimSockets(host).catch(() => []); // best effort: only leftovers of killed shims
    if (!(await signalEngine(host, "SIGTERM", TERM_TIMEOUT_MS))) await signalEngine(host, "SIGKILL", KILL_TIMEOUT_MS);
    await pollUntil(`the processes in ${host.netns} to exit`, KILL_TIMEOUT_MS, async () => {
        const pids = await netnsPids(host.netns);
        for (const pid of pids) killQuietly(pid, "SIGKILL");
        return pids.length === 0;
    });
    for (const s of sockets) fs.rmSync(s, { force: true });
}

async function imageId(docker: Docker, tag: string): Promise<string | undefined> {
    try {
        return (await docker.getImage(tag).inspect()).Id;
    } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw err;
    }
}

/** Copies an image from the main engine into each host's engine that lacks that very image. */
export async function copyImageToHosts(tag: string, hosts: SimHost[]): Promise<void> {
    const main = dockerClient();
    const id = await imageId(main, tag);
    if (id === undefined) throw new Error(`copyImageToHosts: no image ${tag} on the main engine`);
    await Promise.all(
        hosts.map(async (host) => {
            const target = simHostClient(host);
            if ((await imageId(target, tag)) === id) return;
            const response = await target.loadImage(await main.getImage(tag).get());
            // The load reports failures in its response stream, not in the status code.
            await new Promise<void>((resolve, reject) =>
                target.modem.followProgress(response, (err: Error | null, events: { error?: string }[]) => {
                    const failed = err ?? events.find((e) => e.error);
                    if (failed)
                        reject(new Error(`load ${tag} into ${host.name}: ${failed instanceof Error ? failed.message : failed.error}`));
                    else resolve();
                }),
            );
            const loaded = await imageId(target, tag);
            if (loaded !== id) throw new Error(`load ${tag} into ${host.name}: got image ${loaded ?? "none"}, not ${id}`);
        }),
    );
}

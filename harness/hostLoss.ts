// A host lost for good, as the tests and the bench stage it on the simulated hosts: under a
// Sentinel-aware writer, a power cut on one host, writes acknowledged after it, then the `up` that
// marks it lost (the backend refusing any call to its engine), and what each data node lacks of
// the acknowledged writes afterwards. Then the engine comes back and what it still held is wiped,
// as its owner would before reusing the machine.
import type { RedisReplicationGroupArgs } from "../components";
import type { GroupStack, UpResult } from "./groupStack";
import { powerCut, SimHost, simHostClient, startEngine } from "./hosts";
import { removeLeftovers } from "./liveDocker";
import { promiseOf } from "./pulumi";
import { countMissing, withEndpoint } from "./redisClient";
import { AckedWriter } from "./writer";

/** The group's `hosts` on simulated hosts named a, b, c, d (the first four); `lost` marks hosts lost. */
export function simHostsArg(sim: SimHost[], names: string[], lost: string[] = []): RedisReplicationGroupArgs["hosts"] {
    return Object.fromEntries(
        names.map((n) => {
            const h = sim["abcd".indexOf(n)]!;
            return [n, { address: h.address, dockerHost: h.dockerHost, ...(lost.includes(n) ? { lost: true } : {}) }];
        }),
    );
}

/** What replacing the host did. */
export interface HostReplacement {
    /** The `up` that marked the host lost. */
    result: UpResult;
    /** Writes a replica acknowledged (WAIT 1) from before the power cut to the end of that `up`. */
    acked: string[];
    failed: number;
    /** Of those, how many each data node (by endpoint) lacks afterwards. */
    lacking: Record<string, number>;
}

/**
 * From a group deployed by `deployed`: the writer, the power cut on `host`, 20 writes acknowledged
 * after it, then `stack.up(name, args)` with the host lost.
 */
export async function replaceLostHost(
    stack: GroupStack,
    deployed: UpResult,
    lost: { host: SimHost; name: string; args: RedisReplicationGroupArgs; password: string },
): Promise<HostReplacement> {
    const writer = await AckedWriter.start((await promiseOf(deployed.group.sentinelClient))!, lost.password);
    let result: UpResult;
    try {
        await writer.until("the writer's first acknowledged write", 10_000, () => writer.acked.length > 0);
        await powerCut(lost.host);
        const before = writer.acked.length;
        await writer.until("writes acknowledged after the power cut", 30_000, () => writer.acked.length > before + 20);
        stack.backend.loseEngine(lost.host.dockerHost);
        result = await stack.up(lost.name, lost.args);
    } finally {
        await writer.stop();
    }
    const endpoints = [await promiseOf(result.group.masterEndpoint), ...(await promiseOf(result.group.replicaEndpoints))];
    const lacking: Record<string, number> = {};
    for (const e of endpoints) lacking[e] = await withEndpoint(e, lost.password, (c) => countMissing(c, writer.acked));
    return { result, acked: writer.acked, failed: writer.failed, lacking };
}

/** The lost host's engine back, and what it still held of the stack (by its test label) wiped. */
export async function wipeLostHost(stack: GroupStack, host: SimHost, testLabel: string): Promise<void> {
    stack.backend.regainEngine(host.dockerHost);
    await startEngine(host);
    await removeLeftovers(testLabel, [simHostClient(host)]);
}
